import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler } from '../../event-store';
import { Clock } from '../../shared/application/clock';
import { commandMetadata } from '../../shared/application/command-metadata';
import { IdGenerator } from '../../shared/application/id-generator';
import type { ListCommand } from '../domain/list.commands';
import { listDecider } from './list.decider';
import { ListReadModel } from './list-read-model';
import { toListView } from './list-view';
import type { ListView } from './list-view';
import type { ListWriteOptions, ListWriteResult } from './list-write';

/** What a list command did, and the list as it left it. */
export type ListWriteOutcome = ListWriteResult & { view: ListView };

/**
 * Runs a list command through the event store's generic command handler and describes the
 * list at the version the command left: its own fields from the aggregate, its todos' current
 * titles from the read side. A retry with the same idempotency key gets the same list.
 */
@Injectable()
export class ListWriter {
  constructor(
    private readonly commands: DeciderCommandHandler,
    private readonly readModel: ListReadModel,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  newId(): string {
    return this.ids.newId();
  }

  async write(
    listId: string,
    command: ListCommand,
    options: ListWriteOptions & { newStream?: boolean } = {},
  ): Promise<ListWriteOutcome> {
    const result = await this.commands.handle(listDecider, listId, command, {
      ...options,
      metadata: commandMetadata(command.type, this.ids),
    });
    const { state, version } = result;
    if (state.status === 'Initial') {
      throw new Error(`A list write answered with a list that does not exist (${listId}).`);
    }
    const todos = await this.readModel.todosOf(listId, state.todoIds);
    return { ...result, view: toListView(state, version, todos) };
  }
}
