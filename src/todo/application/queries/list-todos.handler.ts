import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { TodoReadModel } from '../todo-read-model';
import type { TodoList } from '../todo-view';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, ListTodosQuery } from './list-todos.query';

@QueryHandler(ListTodosQuery)
export class ListTodosHandler implements IQueryHandler<ListTodosQuery, TodoList> {
  constructor(private readonly readModel: TodoReadModel) {}

  async execute({ filter }: ListTodosQuery): Promise<TodoList> {
    const limit = Math.min(
      Math.max(Math.trunc(filter.limit ?? LIST_LIMIT_DEFAULT), 1),
      LIST_LIMIT_MAX,
    );
    const items = await this.readModel.list({ completed: filter.completed, limit });
    return { items };
  }
}
