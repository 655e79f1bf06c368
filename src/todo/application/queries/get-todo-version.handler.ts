import { QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { TodoReadModel } from '../todo-read-model';
import { GetTodoVersionQuery } from './get-todo-version.query';

@QueryHandler(GetTodoVersionQuery)
export class GetTodoVersionHandler implements IQueryHandler<
  GetTodoVersionQuery,
  number | undefined
> {
  constructor(private readonly readModel: TodoReadModel) {}

  execute(query: GetTodoVersionQuery): Promise<number | undefined> {
    return this.readModel.findVersion(query.todoId);
  }
}
