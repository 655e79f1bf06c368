import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { TodoNotFoundError } from '../../domain/todo.errors';
import { TodoReadModel } from '../todo-read-model';
import type { TodoView } from '../todo-view';
import { GetTodoQuery } from './get-todo.query';

@QueryHandler(GetTodoQuery)
export class GetTodoHandler implements IQueryHandler<GetTodoQuery, TodoView> {
  constructor(private readonly readModel: TodoReadModel) {}

  async execute(query: GetTodoQuery): Promise<TodoView> {
    const todo = await this.readModel.findById(query.todoId);
    if (!todo) throw new TodoNotFoundError(query.todoId);
    return todo;
  }
}
