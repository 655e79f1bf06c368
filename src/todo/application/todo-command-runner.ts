import { Injectable, Logger } from '@nestjs/common';
import { ConcurrencyError, EventStore } from '../../event-store';
import type { AppendOptions, EventMetadata } from '../../event-store';
import { IdGenerator } from '../../shared/application/id-generator';
import { PreconditionFailedError } from '../../shared/application/precondition-failed.error';
import { currentRequestContext } from '../../shared/application/request-context';
import { decide, evolve, rehydrate } from '../domain/todo';
import type { ExistingTodo } from '../domain/todo';
import type { TodoCommand } from '../domain/todo.commands';
import type { TodoEvent } from '../domain/todo.events';
import { toTodoView } from './todo-view';
import type { TodoView } from './todo-view';

export type RunOptions = {
  /**
   * The versions the caller accepts (HTTP `If-Match`). When given, the command fails with
   * `PreconditionFailedError` unless the todo is at one of them, also when a concurrent writer
   * moves it on before the append; when absent, the command runs on the latest state.
   */
  expectedVersions?: readonly number[];
  metadata?: EventMetadata;
  /** Extra SQL for the appending transaction, given the todo as it will be after the command. */
  beforeCommit?: (todo: TodoView) => NonNullable<AppendOptions['beforeCommit']>;
};

/**
 * Runs one command against the event-sourced todo: load its stream, fold it, decide, append with
 * the loaded version as the expected one. A writer that loses a race and had no expected
 * version of its own reloads and decides again on the fresh state, a bounded number of times.
 */
@Injectable()
export class TodoCommandRunner {
  static readonly MAX_ATTEMPTS = 5;
  private readonly logger = new Logger('TodoCommands');

  constructor(
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async run(command: TodoCommand, options: RunOptions = {}): Promise<TodoView> {
    const todoId = command.data.todoId;
    const metadata = this.metadataFor(command, options.metadata);
    const { expectedVersions } = options;
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream<TodoEvent>(todoId);
      const version = history.at(-1)?.sequence ?? 0;
      // An unknown todo is reported as such (404) whatever version the caller expected.
      if (expectedVersions !== undefined && version > 0 && !expectedVersions.includes(version)) {
        throw new PreconditionFailedError(todoId, expectedVersions, version);
      }
      const state = rehydrate(history);
      const events = decide(command, state);
      if (events.length === 0) return toTodoView(state as ExistingTodo, version);
      const next = toTodoView(
        events.reduce(evolve, state) as ExistingTodo,
        version + events.length,
      );
      try {
        await this.store.append<TodoEvent>(
          todoId,
          version,
          events.map((event) => ({ ...event, metadata })),
          { beforeCommit: options.beforeCommit?.(next) },
        );
        this.logger.log(
          `${command.type} on todo ${todoId}: version ${next.version} ` +
            `(correlation ${String(metadata.correlationId)}, causation ${String(metadata.causationId)})`,
        );
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (expectedVersions !== undefined) {
          throw new PreconditionFailedError(
            todoId,
            expectedVersions,
            error.actualVersion ?? version,
          );
        }
        if (attempt >= TodoCommandRunner.MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * `correlationId` ties every event and log line of one request (its `X-Request-Id`) together;
   * `causationId` names this command's execution, the direct cause of the events it appends.
   */
  private metadataFor(command: TodoCommand, extra: EventMetadata = {}): EventMetadata {
    return {
      command: command.type,
      correlationId: currentRequestContext()?.requestId ?? this.ids.newId(),
      causationId: this.ids.newId(),
      ...extra,
    };
  }
}
