import { Query } from '@nestjs/cqrs';

/**
 * The current version of a todo, and nothing else: what a conditional read needs to tell whether
 * the client's copy is current. `undefined` when the todo does not exist or was deleted.
 */
export class GetTodoVersionQuery extends Query<number | undefined> {
  constructor(readonly todoId: string) {
    super();
  }
}
