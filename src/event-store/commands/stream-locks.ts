import { StreamBusyError } from './stream-busy.error';

/**
 * Serialises the writes of this process per stream: one command at a time loads, decides and
 * appends, so writers of one process never race each other and only other processes can make
 * an append lose. A writer that waits longer than `timeoutMs` gives up with `StreamBusyError`
 * (as a PostgreSQL `lock_timeout` would), keeping its place in the line free for the next one.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Resolves with the function that releases the stream once it is this caller's turn. `key`
   * names the line to wait in (default: the stream id; the command handler adds the tenant).
   */
  async acquire(streamId: string, timeoutMs: number, key = streamId): Promise<() => void> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    if (previous === undefined) return release;

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const expired = await Promise.race([previous.then(() => false), timedOut]);
    clearTimeout(timer);
    if (expired) {
      // Leaving the line must not break it: whoever queued behind this writer waits only for
      // the writers ahead of it.
      void previous.then(release);
      throw new StreamBusyError(streamId);
    }
    return release;
  }

  /** Streams with a writer holding or waiting for them (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
