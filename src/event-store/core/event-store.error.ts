/** Base of the event store's own errors; `code` is stable and part of the public contract. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    /** Machine-readable facts about the failure, safe to show to a client. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An append named a stream type other than the one the stream was created with. */
export class StreamTypeMismatchError extends EventStoreError {
  readonly code = 'STREAM_TYPE_MISMATCH';

  constructor(
    readonly streamId: string,
    readonly expectedType: string,
    readonly actualType: string,
  ) {
    super(`Stream ${streamId} is of type ${actualType}, not ${expectedType}.`, {
      streamId,
      expectedType,
      actualType,
    });
  }
}
