import { hash } from 'node:crypto';
import type { Response } from 'express';
import { parseEntityTags } from './if-match';

/**
 * `If-None-Match` as the representations a client already holds: any (`*`), or those whose
 * entity tags' opaque parts are listed. Compared weakly (RFC 9110 §13.1.2): `W/"3"` and `"3"`
 * both name version 3.
 */
export type IfNoneMatchCondition = { any: true } | { any: false; tags: readonly string[] };

/**
 * Parses an `If-None-Match` field value; `undefined` when there is none, or when it is malformed
 * or too long. A cache that sends a broken condition gets the full response, as if it had sent
 * none, rather than an error for a request that is fine without it.
 */
export function parseIfNoneMatch(value: string | undefined): IfNoneMatchCondition | undefined {
  if (value === undefined) return undefined;
  try {
    const tags = parseEntityTags(value, 'If-None-Match');
    return tags === '*' ? { any: true } : { any: false, tags: tags.map((tag) => tag.opaque) };
  } catch {
    return undefined;
  }
}

/**
 * Whether the client's copy is the current representation, whose entity tag has the opaque part
 * `opaque`: then a GET answers 304 Not Modified (RFC 9110 §13.1.2).
 */
export function isNotModified(
  condition: IfNoneMatchCondition | undefined,
  opaque: string,
): boolean {
  if (condition === undefined) return false;
  return condition.any || condition.tags.includes(opaque);
}

/**
 * The opaque part of a weak entity tag for a representation with this body: equal bodies, equal
 * tags. Weak, because it vouches for equivalent content, not for identical bytes (RFC 9110
 * §8.8.1). A one-shot hash: no hash object per response.
 */
export function weakTagOf(body: string): string {
  return hash('sha1', body, 'base64url').slice(0, 22);
}

/** A weak entity tag with this opaque part, as sent in `ETag`. */
export function weakEtag(opaque: string): string {
  return `W/"${opaque}"`;
}

/** Answers 304 Not Modified: no body (the `ETag` is already set). */
export function notModified(response: Response): undefined {
  response.status(304);
  return undefined;
}
