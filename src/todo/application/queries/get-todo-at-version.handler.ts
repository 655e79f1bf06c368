import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../event-store';
import { rehydrate } from '../../domain/todo';
import type { ExistingTodo } from '../../domain/todo';
import { TodoNotFoundError, TodoVersionNotFoundError } from '../../domain/todo.errors';
import type { TodoEvent } from '../../domain/todo.events';
import { toTodoView } from '../todo-view';
import type { TodoView } from '../todo-view';
import { GetTodoAtVersionQuery } from './get-todo-at-version.query';

/** Folds the log itself up to the version asked for: the read model only knows the present. */
@QueryHandler(GetTodoAtVersionQuery)
export class GetTodoAtVersionHandler implements IQueryHandler<GetTodoAtVersionQuery, TodoView> {
  constructor(private readonly store: EventStore) {}

  async execute({ todoId, version }: GetTodoAtVersionQuery): Promise<TodoView> {
    const events = await this.store.readStream<TodoEvent>(todoId, { toSequence: version });
    const reached = events.at(-1)?.sequence ?? 0;
    if (reached === 0) throw new TodoNotFoundError(todoId);
    if (reached < version) throw new TodoVersionNotFoundError(todoId, version, reached);
    return toTodoView(rehydrate(events) as ExistingTodo, version);
  }
}
