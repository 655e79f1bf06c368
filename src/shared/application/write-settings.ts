/**
 * Settings of the write-side guarantees (conditional requests, idempotent retries, cursors).
 * Also the Nest injection token; `AppModule.forRoot` provides the values.
 */
export abstract class WriteSettings {
  /** Refuse PATCH and complete without `If-Match` (428) instead of writing on the latest state. */
  abstract readonly requireIfMatch: boolean;
  /** How long a stored idempotent response is replayed, in seconds. */
  abstract readonly idempotencyKeyTtlSeconds: number;
  /**
   * Signs list cursors. Every instance behind one load balancer must share it, or a cursor from
   * one instance would be refused by another.
   */
  abstract readonly cursorSecret: string;
}

/**
 * Used when nothing is configured. The cursor secret only protects cursors against tampering
 * (they carry no secrets); a deployment should still set its own.
 */
export const DEFAULT_WRITE_SETTINGS: WriteSettings = {
  requireIfMatch: false,
  idempotencyKeyTtlSeconds: 24 * 60 * 60,
  cursorSecret: 'todo-service-default-cursor-secret',
};
