import { Query, QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { PageCursor } from '../../../shared/application/page-cursor';
import {
  LIST_LIMIT_DEFAULT as LISTS_LIMIT_DEFAULT,
  LIST_LIMIT_MAX as LISTS_LIMIT_MAX,
} from '../../../todo/application/queries/list-todos.query';
import { ListReadModel } from '../list-read-model';
import type { ListPage } from '../list-view';

// Pages of lists are as long as pages of todos.
export { LIST_LIMIT_DEFAULT as LISTS_LIMIT_DEFAULT } from '../../../todo/application/queries/list-todos.query';
export { LIST_LIMIT_MAX as LISTS_LIMIT_MAX } from '../../../todo/application/queries/list-todos.query';

export class ListListsQuery extends Query<ListPage> {
  constructor(
    readonly filter: {
      archived?: boolean;
      limit?: number;
      /** A `nextCursor` from the previous page. */
      cursor?: string;
    } = {},
  ) {
    super();
  }
}

/**
 * Pages of lists, newest first. Cursors are the todo pages' cursors (a signed creation time and
 * id), so both kinds share one secret and one format.
 */
@QueryHandler(ListListsQuery)
export class ListListsHandler implements IQueryHandler<ListListsQuery, ListPage> {
  constructor(
    private readonly readModel: ListReadModel,
    private readonly cursors: PageCursor,
  ) {}

  async execute({ filter }: ListListsQuery): Promise<ListPage> {
    const limit = Math.min(
      Math.max(Math.trunc(filter.limit ?? LISTS_LIMIT_DEFAULT), 1),
      LISTS_LIMIT_MAX,
    );
    const after = filter.cursor === undefined ? undefined : this.cursors.decode(filter.cursor);
    const page = await this.readModel.list({ archived: filter.archived, limit, after });
    return {
      items: page.items,
      nextCursor: page.next === undefined ? null : this.cursors.encode(page.next),
    };
  }
}
