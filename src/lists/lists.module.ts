import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '../event-store';
import { PageCursor } from '../shared/application/page-cursor';
import { AddTodoToListHandler } from './application/commands/add-todo-to-list';
import { ListReadModel } from './application/list-read-model';
import { GetListHandler } from './application/queries/get-list';
import { ListListsHandler } from './application/queries/list-lists';
import { ShowWrittenListHandler } from './application/queries/show-written-list';
import { ArchivePolicy } from './infrastructure/archive.policy';
import { ListViewsProjection } from './infrastructure/list-views.projection';
import { PostgresListReadModel } from './infrastructure/postgres-list-read-model';
import { TodoCardsSubscription } from './infrastructure/todo-cards.subscription';
import { ListController } from './interface/http/list.controller';

/**
 * Todo lists: a second aggregate (stream type `list`) on the event store's generic command
 * path. It uses the todo module only through its public query (`GetTodoQuery`, does a todo
 * exist) and command (`CompleteTodoCommand`, from the archive policy), and reads the todo
 * events from the log; it changes nothing of the todo module.
 */
@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [ListController],
  providers: [
    // The other list commands run on the event store's generic handler; this one asks the
    // todo module first whether the todo exists.
    AddTodoToListHandler,
    GetListHandler,
    ShowWrittenListHandler,
    ListListsHandler,
    PageCursor,
    ListViewsProjection,
    TodoCardsSubscription,
    ArchivePolicy,
    { provide: ListReadModel, useClass: PostgresListReadModel },
  ],
})
export class ListsModule {}
