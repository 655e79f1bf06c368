import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { TodoReadModel } from '../todo-read-model';
import type { TodoList } from '../todo-view';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, ListTodosQuery } from './list-todos.query';
import { PageCursor } from '../../../shared/application/page-cursor';

@QueryHandler(ListTodosQuery)
export class ListTodosHandler implements IQueryHandler<ListTodosQuery, TodoList> {
  constructor(
    private readonly readModel: TodoReadModel,
    private readonly cursors: PageCursor,
  ) {}

  async execute({ filter }: ListTodosQuery): Promise<TodoList> {
    const limit = Math.min(
      Math.max(Math.trunc(filter.limit ?? LIST_LIMIT_DEFAULT), 1),
      LIST_LIMIT_MAX,
    );
    const after = filter.cursor === undefined ? undefined : this.cursors.decode(filter.cursor);
    const page = await this.readModel.list({ completed: filter.completed, limit, after });
    return {
      items: page.items,
      nextCursor: page.next === undefined ? null : this.cursors.encode(page.next),
    };
  }
}
