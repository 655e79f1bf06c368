import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '../event-store';
import { GetTodoAtVersionHandler } from './application/queries/get-todo-at-version.handler';
import { GetTodoHistoryHandler } from './application/queries/get-todo-history.handler';
import { GetTodoHandler } from './application/queries/get-todo.handler';
import { GetTodoVersionHandler } from './application/queries/get-todo-version.handler';
import { PageCursor } from '../shared/application/page-cursor';
import { ListTodosHandler } from './application/queries/list-todos.handler';
import { TodoReadModel } from './application/todo-read-model';
import { PostgresTodoReadModel } from './infrastructure/postgres-todo-read-model';
import { TodoReadViewProjection } from './infrastructure/todo-read-view.projection';
import { TodoController } from './interface/http/todo.controller';

@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [TodoController],
  providers: [
    GetTodoHandler,
    GetTodoVersionHandler,
    GetTodoAtVersionHandler,
    GetTodoHistoryHandler,
    PageCursor,
    ListTodosHandler,
    TodoReadViewProjection,
    { provide: TodoReadModel, useClass: PostgresTodoReadModel },
  ],
})
export class TodoModule {}
