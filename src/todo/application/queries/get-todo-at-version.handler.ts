import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { StateReader } from '../../../event-store';
import { TodoDeletedError, TodoNotFoundError, TodoVersionNotFoundError } from '../../domain/todo';
import { todoDecider } from '../todo.decider';
import { toTodoView } from '../todo-view';
import type { TodoView } from '../todo-view';
import { GetTodoAtVersionQuery } from './get-todo-at-version.query';

/**
 * Folds the log itself up to the version asked for (the read model only knows the present),
 * from the nearest snapshot at or below it, with bounded concurrency (see `StateReader`).
 */
@QueryHandler(GetTodoAtVersionQuery)
export class GetTodoAtVersionHandler implements IQueryHandler<GetTodoAtVersionQuery, TodoView> {
  constructor(private readonly reader: StateReader) {}

  async execute({ todoId, version }: GetTodoAtVersionQuery): Promise<TodoView> {
    const { state, version: reached } = await this.reader.at(todoDecider, todoId, version);
    if (state.status === 'Initial') throw new TodoNotFoundError(todoId);
    if (reached < version) throw new TodoVersionNotFoundError(todoId, version, reached);
    if (state.status === 'Deleted') throw new TodoDeletedError(todoId);
    return toTodoView(state, version);
  }
}
