import { Query, QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { ListReadModel } from '../list-read-model';
import { toListView } from '../list-view';
import type { ListView } from '../list-view';
import type { ListWriteResult } from '../list-write';

/**
 * The list as a write left it: its own fields at the version the write reached (also for a
 * replayed retry), its todos as the read side shows them now.
 */
export class ShowWrittenListQuery extends Query<ListView> {
  constructor(readonly result: ListWriteResult) {
    super();
  }
}

@QueryHandler(ShowWrittenListQuery)
export class ShowWrittenListHandler implements IQueryHandler<ShowWrittenListQuery, ListView> {
  constructor(private readonly readModel: ListReadModel) {}

  async execute({ result }: ShowWrittenListQuery): Promise<ListView> {
    const { state, version } = result;
    if (state.status === 'Initial') {
      throw new Error('A list write answered with a list that does not exist.');
    }
    return toListView(state, version, await this.readModel.todosOf(state.id, state.todoIds));
  }
}
