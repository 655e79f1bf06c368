/**
 * JSON text known to encode a `T`: what a read model serialised (in PostgreSQL, say) so that it
 * reaches the client as is, without being parsed into objects and serialised again on the way.
 */
export type JsonText<T> = string & { readonly __encodes?: T };

/** The value a `JsonText` encodes, for the callers that need objects rather than text. */
export function parseJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
