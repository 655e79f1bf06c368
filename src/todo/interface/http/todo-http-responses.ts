import type { Response } from 'express';
import type { StoredResponse } from '../../../shared/application/idempotency-store';
import type { WriteOutcome } from '../../../shared/application/idempotent-executor';
import { etagOf } from '../../../shared/interface/http/if-match';
import type { TodoView } from '../../application/todo-view';

/** Set on a response that is the stored answer to an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** The answer to a create: what is stored for an idempotent retry and sent the first time. */
export function createdResponse(todo: TodoView): StoredResponse {
  return {
    status: 201,
    headers: { Location: `/todos/${todo.id}`, ETag: etagOf(todo.version) },
    body: todo,
  };
}

/** The answer to a change of an existing todo. */
export function changedResponse(todo: TodoView): StoredResponse {
  return { status: 200, headers: { ETag: etagOf(todo.version) }, body: todo };
}

/**
 * Applies status and headers of a write's outcome to `response` and returns the body. A replay
 * is the stored response verbatim, marked with `Idempotent-Replayed: true`.
 */
export function sendOutcome(
  response: Response,
  outcome: WriteOutcome<TodoView>,
  respond: (todo: TodoView) => StoredResponse,
): unknown {
  const stored = outcome.replayed ? outcome.response : respond(outcome.result);
  response.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
  if (outcome.replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return stored.body;
}

/** RFC 8288 link to the next page, keeping the other query parameters. */
export function nextLink(path: string, parameters: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) query.set(name, String(value));
  }
  return `<${path}?${query.toString()}>; rel="next"`;
}
