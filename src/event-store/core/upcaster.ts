/**
 * Turns the payload of one event type from schema version `fromVersion` into version
 * `fromVersion + 1`. It must be pure: it runs on every read of an old event.
 */
export type Upcaster = {
  readonly eventType: string;
  readonly fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
};

/**
 * Schema evolution of event payloads. Stored events keep the shape they were written with and
 * their `schema_version`; on read, upcasters chain them up to the current version, so handlers
 * and folds only ever see the current shape. New events are written at the current version: one
 * more than the highest `fromVersion` registered for their type, or 1.
 */
export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  /** Adds a step; usually called from a module's `onModuleInit`. */
  register(upcaster: Upcaster): void {
    if (!Number.isSafeInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
      throw new RangeError(
        `Upcaster fromVersion must be an integer >= 1, got ${upcaster.fromVersion}.`,
      );
    }
    const steps = this.byType.get(upcaster.eventType) ?? new Map<number, Upcaster>();
    if (steps.has(upcaster.fromVersion)) {
      throw new Error(
        `An upcaster for ${upcaster.eventType} v${upcaster.fromVersion} is already registered.`,
      );
    }
    steps.set(upcaster.fromVersion, upcaster);
    this.byType.set(upcaster.eventType, steps);
  }

  /** The version new events of `eventType` are written with. */
  currentVersion(eventType: string): number {
    const steps = this.byType.get(eventType);
    return steps && steps.size > 0 ? Math.max(...steps.keys()) + 1 : 1;
  }

  /**
   * The payload in the current shape of its type.
   *
   * @throws Error when a step between `version` and the current version is missing: reading on
   *   with a half-converted payload would corrupt whatever is built from it.
   */
  upcast(
    eventType: string,
    version: number,
    data: Record<string, unknown>,
  ): Record<string, unknown> {
    const current = this.currentVersion(eventType);
    let payload = data;
    for (let from = version; from < current; from++) {
      const step = this.byType.get(eventType)?.get(from);
      if (!step) {
        throw new Error(`No upcaster for ${eventType} from v${from} (current is v${current}).`);
      }
      payload = step.upcast(payload);
    }
    return payload;
  }
}
