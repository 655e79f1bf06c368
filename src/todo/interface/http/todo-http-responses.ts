import type { Response } from 'express';
import { etagOf } from '../../../shared/interface/http/if-match';
import { toTodoView } from '../../application/todo-view';
import type { TodoList, TodoView } from '../../application/todo-view';
import type { TodoWriteResult } from '../../application/todo-write';

import { IDEMPOTENT_REPLAYED_HEADER } from '../../../shared/interface/http/write-headers';

/**
 * Sends a write's result. Everything is derived from the todo at the version the write left it
 * at, so the answer to a retry (`replayed`) is byte for byte the first answer, plus
 * `Idempotent-Replayed: true`.
 */
function send(response: Response, result: TodoWriteResult, status: number): TodoView {
  const { state: todo, version } = result;
  if (todo.status === 'Initial' || todo.status === 'Deleted') {
    throw new Error(`A write answered with a todo that does not exist (${todo.status}).`);
  }
  const view = toTodoView(todo, version);
  response.status(status);
  if (status === 201) response.setHeader('Location', `/todos/${view.id}`);
  response.setHeader('ETag', etagOf(version));
  if (result.replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return view;
}

/** The answer to a create: 201 with `Location` and `ETag`. */
export const sendCreated = (response: Response, result: TodoWriteResult) =>
  send(response, result, 201);

/** The answer to a change of an existing todo: 200 with `ETag`. */
export const sendChanged = (response: Response, result: TodoWriteResult) =>
  send(response, result, 200);

/** The answer to a delete: 204, no body, the `ETag` of the tombstone's version. */
export function sendDeleted(response: Response, result: TodoWriteResult): void {
  response.status(204);
  response.setHeader('ETag', etagOf(result.version));
  if (result.replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
}

export { nextLink } from '../../../shared/interface/http/next-link';

/** The body of a page of todos, around the items' JSON as the read model wrote it. */
export function listBody(page: TodoList): string {
  return `{"items":${page.items},"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}
