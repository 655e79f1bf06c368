import { IF_MATCH_MAX_BYTES, IF_MATCH_MAX_TAGS, parseIfMatch } from './if-match';
import { RequestValidationError } from './request-validation.error';

describe('parseIfMatch (RFC 9110 §13.1.1)', () => {
  it.each([
    ['*', { any: true }],
    [' * ', { any: true }],
    ['"3"', { any: false, versions: [3] }],
    ['"3", "4"', { any: false, versions: [3, 4] }],
    ['"3",,"4" ,', { any: false, versions: [3, 4] }],
    ['W/"3"', { any: false, versions: [] }],
    ['W/"3", "5"', { any: false, versions: [5] }],
    ['"abc"', { any: false, versions: [] }],
    ['"0"', { any: false, versions: [] }],
    ['"03"', { any: false, versions: [] }],
    ['""', { any: false, versions: [] }],
    ['"9007199254740991"', { any: false, versions: [Number.MAX_SAFE_INTEGER] }],
    // Beyond 2^53 it would round to a neighbouring version; no such version is ever issued.
    ['"9007199254740993"', { any: false, versions: [] }],
    ['"9999999999999999"', { any: false, versions: [] }],
  ])('%j → %j', (value, expected) => {
    expect(parseIfMatch(value)).toEqual(expected);
  });

  it.each(['', '3', '"3', '3"', 'W/3', ',', ' , ', '"3" "4"', '"a b"', '*, "3"', 'w/"3"'])(
    'refuses %j',
    (value) => {
      expect(() => parseIfMatch(value)).toThrow(RequestValidationError);
    },
  );
});

describe('parseIfMatch bounds', () => {
  const tags = (count: number, tag = (i: number) => `"${i + 1}"`) =>
    Array.from({ length: count }, (_, i) => tag(i)).join(', ');

  it(`accepts up to ${IF_MATCH_MAX_TAGS} tags`, () => {
    const condition = parseIfMatch(tags(IF_MATCH_MAX_TAGS));
    expect(condition).toEqual({
      any: false,
      versions: Array.from({ length: IF_MATCH_MAX_TAGS }, (_, i) => i + 1),
    });
  });

  it.each([
    ['one tag too many', tags(IF_MATCH_MAX_TAGS + 1)],
    ['2,000 tags', tags(2000)],
    ['2,000 weak tags', tags(2000, (i) => `W/"${i}"`)],
    ['a few tags over the byte bound', tags(3, () => `"${'x'.repeat(IF_MATCH_MAX_BYTES / 2)}"`)],
  ])('refuses %s without echoing them', (_case, value) => {
    let error: unknown;
    try {
      parseIfMatch(value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    const text = JSON.stringify((error as RequestValidationError).errors);
    expect(text).toMatch(/at most/);
    expect(text.length).toBeLessThan(200);
  });
});
