import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { currentTenantScope } from '../../database/tenant-scope';
import { ConcurrencyError } from '../core/concurrency.error';
import type { Event, EventMetadata, RecordedEvent } from '../core/event';
import { EventStore } from '../core/event-store';
import type { AppendOptions } from '../core/event-store';
import { COMMAND_SETTINGS, DEFAULT_COMMAND_SETTINGS } from './command-settings';
import type { CommandSettings } from './command-settings';
import type { Decider } from './decider';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
} from './idempotency/idempotency.errors';
import { IdempotencyKeyTakenSignal, IdempotencyStore } from './idempotency/idempotency-store';
import type { IdempotencyRecord, IdempotencyRequest } from './idempotency/idempotency-store';
import { PreconditionFailedError } from './precondition-failed.error';
import { loadState } from './state-loader';
import type { LoadedState } from './state-loader';
import { StreamBusyError } from './stream-busy.error';
import { StreamLocks } from './stream-locks';

export type HandleOptions = {
  /**
   * The versions the caller accepts (HTTP `If-Match`). Unless the stream is at one of them the
   * command fails with `PreconditionFailedError`, also when a concurrent writer moves it on
   * before the append. Without them the command applies to the latest state: a lost race is
   * retried on the fresh state. A stream that does not exist yet is left to the decider.
   */
  expectedVersions?: readonly number[];
  /** Stored with every event of this command. */
  metadata?: EventMetadata;
  /**
   * The stream id was just generated, so the stream cannot exist yet: skip loading it. Should
   * the append find events after all, the retry loads them and the decider rules.
   */
  newStream?: boolean;
  /** Run at most once for this key: a retry gets the result of the first run (`replayed`). */
  idempotency?: IdempotencyRequest;
};

/** What a command did. A replay reports the stream as the first run left it, with no new events. */
export type CommandResult<State, E extends Event> = {
  state: State;
  version: number;
  newEvents: RecordedEvent<E>[];
  replayed: boolean;
};

/**
 * The one command path of every event-sourced aggregate: load (latest snapshot + the events
 * after it), decide, append with the loaded version as the expected one, snapshot when the
 * decider's policy says so. Nothing here knows an aggregate, HTTP or SQL.
 *
 * Contention: writes to one stream are serialised within the process, so only writers of other
 * processes can make an append lose; a lost race without an expected version is retried on
 * the fresh state after a jittered, growing pause, until `maxAttempts` or `busyTimeoutMs` run
 * out (`StreamBusyError`, nothing written).
 */
@Injectable()
export class DeciderCommandHandler {
  private readonly settings: CommandSettings;
  private readonly locks = new StreamLocks();

  constructor(
    private readonly store: EventStore,
    private readonly idempotency: IdempotencyStore,
    @Optional() @Inject(COMMAND_SETTINGS) settings?: Partial<CommandSettings>,
  ) {
    this.settings = { ...DEFAULT_COMMAND_SETTINGS, ...settings };
  }

  async handle<State, Command, E extends Event>(
    decider: Decider<State, Command, E>,
    streamId: string,
    command: Command,
    options: HandleOptions = {},
  ): Promise<CommandResult<State, E>> {
    const request = options.idempotency;
    if (request === undefined) return this.run(decider, streamId, command, options, undefined);

    const earlier = await this.replay(decider, request);
    if (earlier) return earlier;
    try {
      return await this.run(decider, streamId, command, options, request);
    } catch (error) {
      // A twin request may have committed while this one ran; then this one's failure (a lost
      // race, a rule the twin's events now break, the key taken) is only a symptom: answer as
      // the twin did.
      const twin = await this.replay(decider, request);
      if (twin) return twin;
      if (error instanceof IdempotencyKeyTakenSignal) throw new IdempotencyKeyInFlightError();
      throw error;
    }
  }

  private async run<State, Command, E extends Event>(
    decider: Decider<State, Command, E>,
    streamId: string,
    command: Command,
    options: HandleOptions,
    request: IdempotencyRequest | undefined,
  ): Promise<CommandResult<State, E>> {
    const deadline = Date.now() + this.settings.busyTimeoutMs;
    // Per tenant: the same id in two tenants is two streams, and one must not wait for the other.
    const tenant = currentTenantScope()?.tenant ?? '';
    const release = await this.locks.acquire(
      streamId,
      this.settings.busyTimeoutMs,
      `${tenant}/${streamId}`,
    );
    try {
      for (let attempt = 1; ; attempt++) {
        const loaded: LoadedState<State> =
          options.newStream && attempt === 1
            ? { state: decider.initialState, version: 0, snapshotVersion: 0 }
            : await loadState(this.store, decider, streamId);
        const { expectedVersions } = options;
        const { state, version } = loaded;
        if (expectedVersions !== undefined && version > 0 && !expectedVersions.includes(version)) {
          throw new PreconditionFailedError(streamId, expectedVersions, version);
        }
        const events = decider.decide(command, state);
        if (events.length === 0) return { state, version, newEvents: [], replayed: false };
        const next = events.reduce(decider.evolve, state);
        const nextVersion = version + events.length;
        try {
          const appended = await this.store.append<E>(
            streamId,
            version,
            events.map((event) => ({ ...event, metadata: options.metadata ?? {} })),
            this.appendOptions(decider, streamId, loaded, next, nextVersion, request),
          );
          return { state: next, version: nextVersion, newEvents: appended.events, replayed: false };
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          if (expectedVersions !== undefined) {
            throw new PreconditionFailedError(
              streamId,
              expectedVersions,
              error.actualVersion ?? version,
            );
          }
          if (attempt >= this.settings.maxAttempts) throw new StreamBusyError(streamId);
          const pause = backoff(attempt);
          if (Date.now() + pause > deadline) throw new StreamBusyError(streamId);
          await delay(pause);
        }
      }
    } finally {
      release();
    }
  }

  private appendOptions<State, E extends Event>(
    decider: Decider<State, never, E>,
    streamId: string,
    loaded: LoadedState<State>,
    next: State,
    nextVersion: number,
    request: IdempotencyRequest | undefined,
  ): AppendOptions {
    const policy = decider.snapshot;
    const snapshotDue =
      policy !== undefined && nextVersion - loaded.snapshotVersion >= policy.every;
    const record: IdempotencyRecord | undefined = request && {
      ...request,
      streamId,
      streamType: decider.streamType,
      version: nextVersion,
      outcome: 'appended',
    };
    return {
      streamType: decider.streamType,
      ...(snapshotDue ? { snapshot: { schemaVersion: policy.schemaVersion, state: next } } : {}),
      ...(record
        ? {
            beforeCommit: (transaction) =>
              this.idempotency.record(transaction, record, this.settings.idempotencyKeyTtlSeconds),
          }
        : {}),
    };
  }

  private async replay<State, Command, E extends Event>(
    decider: Decider<State, Command, E>,
    request: IdempotencyRequest,
  ): Promise<CommandResult<State, E> | undefined> {
    const record = await this.idempotency.find(request.key);
    if (!record) return undefined;
    if (record.fingerprint !== request.fingerprint || record.streamType !== decider.streamType) {
      throw new IdempotencyKeyReusedError();
    }
    // The stream at the recorded version is what the first run returned: events never change.
    const { state, version } = await loadState(
      this.store,
      decider,
      record.streamId,
      record.version,
    );
    return { state, version, newEvents: [], replayed: true };
  }
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): 0..min(cap, base·2ⁿ). */
function backoff(attempt: number): number {
  const ceiling = Math.min(250, 5 * 2 ** attempt);
  return Math.floor(Math.random() * ceiling);
}
