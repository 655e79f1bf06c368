import { parseIfMatch } from './if-match';
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
