/**
 * A reader of the log that keeps its own place outside the checkpoints of subscriptions (a
 * webhook endpoint, an outside consumer), as `projections status` shows it.
 */
export type LogReaderStatus = {
  name: string;
  /** What it is: `webhook`, ... */
  kind: string;
  /** `running`, or the reader's own word for why it is not (`failing`, `disabled`). */
  state: string;
  /** Global position of the last event it took (0: none). */
  checkpoint: number;
  /**
   * The tenant it reads for, when it serves one tenant only (a webhook endpoint); that
   * tenant's status shows it, no other's.
   */
  tenant?: string;
};

/**
 * Where modules whose readers keep their own place register them (usually from
 * `onModuleInit`), so operators see every reader of the log in one status.
 */
export class LogReaderRegistry {
  private readonly sources: (() => Promise<LogReaderStatus[]>)[] = [];

  register(source: () => Promise<LogReaderStatus[]>): void {
    this.sources.push(source);
  }

  async all(): Promise<LogReaderStatus[]> {
    return (await Promise.all(this.sources.map((source) => source()))).flat();
  }
}
