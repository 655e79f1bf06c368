import { createHmac } from 'node:crypto';
import { InvalidCursorError } from './invalid-cursor.error';
import { runWithRequestContext } from './request-context';
import { DEFAULT_WRITE_SETTINGS } from './write-settings';
import { PageCursor } from './page-cursor';

describe('PageCursor', () => {
  const cursors = new PageCursor(DEFAULT_WRITE_SETTINGS);
  const position = {
    createdAt: '2026-11-27T10:00:00.123456Z',
    id: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  };

  it('decodes what it encoded, and the cursor is URL-safe', () => {
    const cursor = cursors.encode(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursors.decode(cursor)).toEqual(position);
  });

  it("refuses another tenant's cursor", () => {
    const cursor = runWithRequestContext({ requestId: 'r1', tenant: 'a' }, () =>
      cursors.encode(position),
    );
    expect(
      runWithRequestContext({ requestId: 'r2', tenant: 'a' }, () => cursors.decode(cursor)),
    ).toEqual(position);
    expect(() =>
      runWithRequestContext({ requestId: 'r3', tenant: 'b' }, () => cursors.decode(cursor)),
    ).toThrow(InvalidCursorError);
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new PageCursor({ ...DEFAULT_WRITE_SETTINGS, cursorSecret: 'x'.repeat(32) });
    expect(() => cursors.decode(other.encode(position))).toThrow(InvalidCursorError);
  });

  // Signed with the right secret, but content the service never issues: still refused.
  const sign = (payload: unknown): string => {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const signature = createHmac('sha256', DEFAULT_WRITE_SETTINGS.cursorSecret)
      .update(`\n${encoded}`)
      .digest('base64url');
    return `${encoded}.${signature}`;
  };

  it.each([
    ['garbage', 'abc'],
    ['no signature', 'eyJ9.'],
    ['three parts', 'a.b.c'],
    ['an object payload', sign({ createdAt: position.createdAt, id: position.id })],
    ['a bad timestamp', sign(['2026-11-27', position.id])],
    ['a bad id', sign([position.createdAt, 'x'])],
    ['too long', `${'a'.repeat(600)}.b`],
  ])('refuses %s', (_case, cursor) => {
    expect(() => cursors.decode(cursor)).toThrow(InvalidCursorError);
  });

  it('refuses any single changed character', () => {
    const cursor = cursors.encode(position);
    for (let i = 0; i < cursor.length; i++) {
      const changed = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      if (changed !== cursor) expect(() => cursors.decode(changed)).toThrow(InvalidCursorError);
    }
  });
});
