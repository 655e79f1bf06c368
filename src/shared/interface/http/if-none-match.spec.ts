import { isNotModified, parseIfNoneMatch, weakEtag, weakTagOf } from './if-none-match';

describe('parseIfNoneMatch (RFC 9110 §13.1.2)', () => {
  it.each([
    ['*', { any: true }],
    ['"3"', { any: false, tags: ['3'] }],
    ['W/"3", "abc"', { any: false, tags: ['3', 'abc'] }],
    ['"3",,"4" ,', { any: false, tags: ['3', '4'] }],
  ])('%j → %j', (value, expected) => {
    expect(parseIfNoneMatch(value)).toEqual(expected);
  });

  it.each([
    [undefined],
    [''],
    ['3'],
    ['"3'],
    ['W/3'],
    [','],
    ['*, "3"'],
    [`"${'1'.repeat(2000)}"`],
  ])('treats %j as no condition', (value) => {
    expect(parseIfNoneMatch(value)).toBeUndefined();
  });
});

describe('isNotModified', () => {
  it('matches weakly: a weak or strong tag with the same opaque part', () => {
    expect(isNotModified(parseIfNoneMatch('W/"3"'), '3')).toBe(true);
    expect(isNotModified(parseIfNoneMatch('"3"'), '3')).toBe(true);
    expect(isNotModified(parseIfNoneMatch('"2", "4"'), '3')).toBe(false);
    expect(isNotModified(parseIfNoneMatch('*'), '3')).toBe(true);
    expect(isNotModified(undefined, '3')).toBe(false);
  });
});

describe('weakTagOf', () => {
  it('is the same for the same body, different for another, and fits an entity tag', () => {
    const tag = weakTagOf('{"items":[]}');
    expect(weakTagOf('{"items":[]}')).toBe(tag);
    expect(weakTagOf('{"items":[1]}')).not.toBe(tag);
    expect(weakEtag(tag)).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
  });
});
