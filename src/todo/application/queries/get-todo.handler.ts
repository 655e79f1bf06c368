import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { TodoDeletedError, TodoNotFoundError } from '../../domain/todo';
import { TodoReadModel } from '../todo-read-model';
import type { TodoView } from '../todo-view';
import { GetTodoQuery } from './get-todo.query';

@QueryHandler(GetTodoQuery)
export class GetTodoHandler implements IQueryHandler<GetTodoQuery, TodoView> {
  constructor(private readonly readModel: TodoReadModel) {}

  async execute(query: GetTodoQuery): Promise<TodoView> {
    const todo = await this.readModel.findById(query.todoId);
    if (todo) return todo;
    // Only a miss asks about the tombstone, so a present todo costs one statement as before.
    if (await this.readModel.isDeleted(query.todoId)) throw new TodoDeletedError(query.todoId);
    throw new TodoNotFoundError(query.todoId);
  }
}
