import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '../event-store';
import { ChangeTitleHandler } from './application/commands/change-title.handler';
import { CompleteTodoHandler } from './application/commands/complete-todo.handler';
import { CreateTodoHandler } from './application/commands/create-todo.handler';
import { GetTodoAtVersionHandler } from './application/queries/get-todo-at-version.handler';
import { GetTodoHistoryHandler } from './application/queries/get-todo-history.handler';
import { GetTodoHandler } from './application/queries/get-todo.handler';
import { TodoListCursor } from './application/queries/todo-list-cursor';
import { ListTodosHandler } from './application/queries/list-todos.handler';
import { TodoCommandRunner } from './application/todo-command-runner';
import { TodoReadModel } from './application/todo-read-model';
import { TodoSnapshots } from './application/todo-snapshots';
import { PostgresTodoReadModel } from './infrastructure/postgres-todo-read-model';
import { ReadViewTodoSnapshots } from './infrastructure/read-view-todo-snapshots';
import { TodoReadViewProjection } from './infrastructure/todo-read-view.projection';
import { TodoController } from './interface/http/todo.controller';

@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [TodoController],
  providers: [
    TodoCommandRunner,
    CreateTodoHandler,
    ChangeTitleHandler,
    CompleteTodoHandler,
    GetTodoHandler,
    GetTodoAtVersionHandler,
    GetTodoHistoryHandler,
    TodoListCursor,
    ListTodosHandler,
    TodoReadViewProjection,
    { provide: TodoReadModel, useClass: PostgresTodoReadModel },
    { provide: TodoSnapshots, useClass: ReadViewTodoSnapshots },
  ],
})
export class TodoModule {}
