import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InvalidCursorError } from './invalid-cursor.error';
import { currentRequestContext } from './request-context';
import { WriteSettings } from './write-settings';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_CURSOR_LENGTH = 512;

/** Where a keyset page ends: the last row's creation time and id (newest first). */
export type PagePosition = { createdAt: string; id: string };

/**
 * Encodes list positions as opaque cursors: base64url JSON plus an HMAC, so a client can neither
 * forge a position nor send the database something it did not get from us. The secret is shared
 * by every instance, so any instance accepts any instance's cursor. The signature covers the
 * tenant that received the cursor: another tenant's cursor is refused like a forged one.
 */
@Injectable()
export class PageCursor {
  constructor(private readonly settings: WriteSettings) {}

  encode(position: PagePosition): string {
    const payload = Buffer.from(JSON.stringify([position.createdAt, position.id])).toString(
      'base64url',
    );
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** @throws InvalidCursorError for anything `encode` did not produce. */
  decode(cursor: string): PagePosition {
    const [payload, signature, ...rest] = cursor.split('.');
    if (
      cursor.length > MAX_CURSOR_LENGTH ||
      payload === undefined ||
      signature === undefined ||
      rest.length > 0
    ) {
      throw new InvalidCursorError();
    }
    // Compared as text: base64 decoding ignores some trailing bits, so bytes could match for a
    // signature that was changed.
    const expected = Buffer.from(this.sign(payload).toString('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError();
    }
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursorError();
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt)) throw new InvalidCursorError();
    if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidCursorError();
    return { createdAt, id };
  }

  private sign(payload: string): Buffer {
    const tenant = currentRequestContext()?.tenant ?? '';
    return createHmac('sha256', this.settings.cursorSecret)
      .update(`${tenant}\n${payload}`)
      .digest();
  }
}
