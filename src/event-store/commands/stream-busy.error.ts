import { EventStoreError } from '../core/event-store.error';

/**
 * A write without an expected version kept losing races on one stream, or waited too long for
 * its turn: nothing was written and the caller may retry later.
 */
export class StreamBusyError extends EventStoreError {
  readonly code = 'STREAM_BUSY';
  readonly kind = 'busy';

  constructor(readonly streamId: string) {
    super(`Stream ${streamId} is too busy with concurrent writes right now; retry later.`, {
      streamId,
    });
  }
}
