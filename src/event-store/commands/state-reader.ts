import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Event } from '../core/event';
import { EventStore } from '../core/event-store';
import { COMMAND_SETTINGS, DEFAULT_COMMAND_SETTINGS } from './command-settings';
import type { CommandSettings } from './command-settings';
import type { Decider } from './decider';
import { loadState } from './state-loader';
import type { LoadedState } from './state-loader';
import { StreamBusyError } from './stream-busy.error';

/**
 * Reads a stream's state at a past version ("time travel"). Each read folds at most one
 * snapshot interval, and at most `maxConcurrentPastReads` run at once per process; the others
 * wait up to `busyTimeoutMs` and then fail with `StreamBusyError`. So a burst of such reads
 * holds a bounded number of pool connections and a bounded amount of memory, and writers keep
 * theirs.
 */
@Injectable()
export class StateReader {
  private readonly settings: CommandSettings;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly store: EventStore,
    @Optional() @Inject(COMMAND_SETTINGS) settings?: Partial<CommandSettings>,
  ) {
    this.settings = { ...DEFAULT_COMMAND_SETTINGS, ...settings };
  }

  /** The state after event `version` (fewer when the stream is shorter: see `version`). */
  async at<State, E extends Event>(
    decider: Decider<State, never, E>,
    streamId: string,
    version: number,
  ): Promise<LoadedState<State>> {
    await this.enter(streamId);
    try {
      return await loadState(this.store, decider, streamId, version);
    } finally {
      this.leave();
    }
  }

  private async enter(streamId: string): Promise<void> {
    if (this.running < this.settings.maxConcurrentPastReads) {
      this.running++;
      return;
    }
    let admit!: () => void;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    this.waiting.push(admit);
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      admitted.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.settings.busyTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (expired) {
      const index = this.waiting.indexOf(admit);
      if (index >= 0) {
        this.waiting.splice(index, 1);
        throw new StreamBusyError(streamId);
      }
      // Admitted in the same tick as the timeout: the slot is this read's, so use it.
    }
  }

  private leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next reader, so `running` stays as it is.
    if (next) next();
    else this.running--;
  }
}
