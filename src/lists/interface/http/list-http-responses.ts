import type { Response } from 'express';
import { etagOf } from '../../../shared/interface/http/if-match';
import { IDEMPOTENT_REPLAYED_HEADER } from '../../../shared/interface/http/write-headers';
import type { ListView } from '../../application/list-view';
import type { ListWriteResult } from '../../application/list-write';

/**
 * Sends a write's answer: the list at the version the write left it (also for a retry with the
 * same key, marked `Idempotent-Replayed`), its todos as they are now.
 */
function send(
  response: Response,
  result: ListWriteResult,
  view: ListView,
  status: number,
): ListView {
  response.status(status);
  if (status === 201) response.setHeader('Location', `/lists/${view.id}`);
  response.setHeader('ETag', etagOf(result.version));
  if (result.replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return view;
}

/** The answer to a create: 201 with `Location` and `ETag`. */
export const sendCreated = (response: Response, result: ListWriteResult, view: ListView) =>
  send(response, result, view, 201);

/** The answer to a change of an existing list: 200 with `ETag`. */
export const sendChanged = (response: Response, result: ListWriteResult, view: ListView) =>
  send(response, result, view, 200);
