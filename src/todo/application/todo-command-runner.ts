import { Injectable } from '@nestjs/common';
import { ConcurrencyError, EventStore } from '../../event-store';
import { currentRequestContext } from '../../shared/application/request-context';
import type { EventMetadata } from '../../event-store';
import { decide, evolve, rehydrate } from '../domain/todo';
import type { ExistingTodo } from '../domain/todo';
import type { TodoCommand } from '../domain/todo.commands';
import type { TodoEvent } from '../domain/todo.events';
import { toTodoView } from './todo-view';
import type { TodoView } from './todo-view';

export type RunOptions = {
  /**
   * The version the caller last saw. When given, the command fails with `ConcurrencyError` if
   * the todo has moved on; when absent, the command runs on the latest state.
   */
  expectedVersion?: number;
  metadata?: EventMetadata;
};

/**
 * Runs one command against the event-sourced todo: load its stream, fold it, decide, append with
 * the loaded version as the expected one. A writer that loses a race and had no expected
 * version of its own reloads and decides again on the fresh state, a bounded number of times.
 */
@Injectable()
export class TodoCommandRunner {
  static readonly MAX_ATTEMPTS = 5;

  constructor(private readonly store: EventStore) {}

  async run(command: TodoCommand, options: RunOptions = {}): Promise<TodoView> {
    const todoId = command.data.todoId;
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream<TodoEvent>(todoId);
      const version = history.at(-1)?.sequence ?? 0;
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        throw new ConcurrencyError(todoId, options.expectedVersion, version);
      }
      const state = rehydrate(history);
      const events = decide(command, state);
      if (events.length === 0) return toTodoView(state as ExistingTodo, version);
      try {
        // The acting context comes last: nothing a caller passes can claim another subject.
        const metadata = { command: command.type, ...options.metadata, ...actingContext() };
        const result = await this.store.append<TodoEvent>(
          todoId,
          version,
          events.map((event) => ({ ...event, metadata })),
        );
        const next = events.reduce(evolve, state) as ExistingTodo;
        return toTodoView(next, result.nextExpectedVersion);
      } catch (error) {
        const mayRetry =
          error instanceof ConcurrencyError &&
          options.expectedVersion === undefined &&
          attempt < TodoCommandRunner.MAX_ATTEMPTS;
        if (!mayRetry) throw error;
      }
    }
  }
}

/** Who asked and in which request, kept with each event for audit and correlation. */
function actingContext(): EventMetadata {
  const context = currentRequestContext();
  if (!context) return {};
  return {
    requestId: context.requestId,
    ...(context.subject !== undefined ? { subject: context.subject } : {}),
  };
}
