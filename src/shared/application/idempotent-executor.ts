import { Injectable } from '@nestjs/common';
import type { AppendOptions } from '../../event-store';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyKeyTakenSignal, IdempotencyStore } from './idempotency-store';
import type { StoredResponse } from './idempotency-store';
import { WriteSettings } from './write-settings';

/** What the client asked for when it sent an idempotency key. */
export type IdempotencyRequest<R> = {
  key: string;
  /** Digest of everything that makes the request what it is (method, path, body). */
  fingerprint: string;
  /** The response the client gets for `result`; stored and replayed verbatim for retries. */
  respond: (result: R) => StoredResponse;
};

/** A write's outcome: done now, or done before and replayed from the stored response. */
export type WriteOutcome<R> =
  { replayed: false; result: R } | { replayed: true; response: StoredResponse };

/** The result of a write sent without an idempotency key, which is never a replay. */
export async function freshResult<R>(outcome: Promise<WriteOutcome<R>>): Promise<R> {
  const result = await outcome;
  if (result.replayed) throw new Error('Unexpected replay of a stored response.');
  return result.result;
}

/** Hook the write calls with its result to record the response in its appending transaction. */
export type RecordResponse<R> = (result: R) => NonNullable<AppendOptions['beforeCommit']>;

/**
 * Runs a write at most once per idempotency key (IETF draft "The Idempotency-Key HTTP Header
 * Field"). The key, the request's fingerprint and the response are stored by the write's own
 * appending transaction, so either the events and the record commit together or neither does:
 * a retry after a lost response finds the record and replays it, and a retry after a failure
 * finds nothing and runs again.
 */
@Injectable()
export class IdempotentExecutor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly settings: WriteSettings,
  ) {}

  async run<R>(
    request: IdempotencyRequest<R> | undefined,
    write: (recordResponse: RecordResponse<R> | undefined) => Promise<R>,
  ): Promise<WriteOutcome<R>> {
    if (request === undefined) return { replayed: false, result: await write(undefined) };

    const earlier = await this.replay(request);
    if (earlier) return earlier;
    const recordResponse: RecordResponse<R> = (result) => (transaction) =>
      this.store.record(
        transaction,
        { key: request.key, fingerprint: request.fingerprint, response: request.respond(result) },
        this.settings.idempotencyKeyTtlSeconds,
      );
    try {
      return { replayed: false, result: await write(recordResponse) };
    } catch (error) {
      // A twin request may have committed while this one ran; then this one's failure (a lost
      // race, "already completed", the key taken) is only a symptom: answer as the twin did.
      const twin = await this.replay(request);
      if (twin) return twin;
      if (error instanceof IdempotencyKeyTakenSignal) throw new IdempotencyKeyInFlightError();
      throw error;
    }
  }

  private async replay<R>(request: IdempotencyRequest<R>): Promise<WriteOutcome<R> | undefined> {
    const record = await this.store.find(request.key);
    if (!record) return undefined;
    if (record.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
    return { replayed: true, response: record.response };
  }
}
