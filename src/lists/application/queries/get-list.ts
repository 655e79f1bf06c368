import { Query, QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { ListNotFoundError } from '../../domain/list';
import { ListReadModel } from '../list-read-model';
import type { ListView } from '../list-view';

export class GetListQuery extends Query<ListView> {
  constructor(readonly listId: string) {
    super();
  }
}

@QueryHandler(GetListQuery)
export class GetListHandler implements IQueryHandler<GetListQuery, ListView> {
  constructor(private readonly readModel: ListReadModel) {}

  async execute({ listId }: GetListQuery): Promise<ListView> {
    const list = await this.readModel.findById(listId);
    if (!list) throw new ListNotFoundError(listId);
    return list;
  }
}
