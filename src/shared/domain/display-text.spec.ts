import { hasBidiControl, hasVisibleCharacter, normalizeSingleLineText } from './display-text';

const rules = { maxLength: 10 };
const reasonOf = (raw: string): string | undefined => {
  const result = normalizeSingleLineText(raw, rules);
  return result.ok ? undefined : result.reason;
};

describe('single-line display text', () => {
  // Each stands for a class of characters that draw nothing on their own.
  const invisible: [string, string][] = [
    ['zero width space U+200B', '\u200b'],
    ['zero width non-joiner and joiner U+200C/D', '\u200c\u200d'],
    ['word joiner U+2060', '\u2060'],
    ['invisible operators U+2061..U+2064', '\u2061\u2062\u2063\u2064'],
    ['byte order mark U+FEFF', '\ufeff'],
    ['soft hyphen U+00AD', '\u00ad'],
    ['combining grapheme joiner U+034F', '\u034f'],
    ['braille blank U+2800', '\u2800'],
    ['Hangul choseong filler U+115F', '\u115f'],
    ['Hangul jungseong filler U+1160', '\u1160'],
    ['Hangul filler U+3164', '\u3164'],
    ['halfwidth Hangul filler U+FFA0', '\uffa0'],
    ['Mongolian vowel separator U+180E', '\u180e'],
    ['Mongolian free variation selector U+180B', '\u180b'],
    ['Khmer inherent vowels U+17B4/5', '\u17b4\u17b5'],
    ['variation selectors U+FE00..FE0F', '\ufe00\ufe0f'],
    ['variation selector supplement U+E0100', '\u{e0100}'],
    ['tag characters U+E0001, U+E0041', '\u{e0001}\u{e0041}'],
    ['musical symbol format U+1D173', '\u{1d173}'],
    ['shorthand format control U+1BCA0', '\u{1bca0}'],
    ['combining marks without a base', '\u0301\u20dd'],
    ['ideographic space U+3000', '\u3000'],
    ['no-break and thin spaces', '\u00a0\u2009\u202f'],
    ['ogham space mark U+1680', '\u1680'],
    ['a mix of the above', '\u200b \u2800\u3164\ufe0f\u{e0041}'],
  ];

  it.each(invisible)('refuses a text of only %s', (_case, text) => {
    expect(hasVisibleCharacter(text)).toBe(false);
    expect(reasonOf(text)).toMatch(/no visible character|empty/);
  });

  it.each([
    ['LRE..RLO U+202A..U+202E', ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e']],
    ['isolates U+2066..U+2069', ['\u2066', '\u2067', '\u2068', '\u2069']],
    ['implicit marks U+200E, U+200F, U+061C', ['\u200e', '\u200f', '\u061c']],
  ])('refuses bidirectional formatting characters: %s, alone or inside text', (_case, controls) => {
    for (const control of controls) {
      expect(hasBidiControl(control)).toBe(true);
      expect(reasonOf(`abc${control}def`)).toMatch(/bidirectional/);
      expect(reasonOf(`${control}abc`)).toMatch(/bidirectional/);
      expect(reasonOf(control)).toMatch(/bidirectional/);
    }
  });

  it.each([
    ['plain text', 'Buy milk', 'Buy milk'],
    ['right-to-left script, no controls', 'שלום עולם', 'שלום עולם'],
    ['an emoji ZWJ sequence', '👩‍💻', '👩‍💻'],
    [
      'a flag with tag characters',
      '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}',
      null,
    ],
    ['a zero width space between letters', 'a\u200bb', 'a\u200bb'],
    ['a combining mark on a base, composed to NFC', 'Cafe\u0301', 'Caf\u00e9'],
    ['Hangul jamo, composed to NFC', '\u1100\u1161', '\uac00'],
    ['surrounding white space, trimmed', ' \u3000 ok \u00a0', 'ok'],
  ])('accepts %s', (_case, raw, stored) => {
    const result = normalizeSingleLineText(raw, { maxLength: 20 });
    expect(result).toEqual({ ok: true, text: stored ?? raw.normalize('NFC') });
  });

  it('counts the length after composing to NFC', () => {
    // Ten base letters with a combining accent each: 20 code points typed, 10 stored.
    expect(normalizeSingleLineText('e\u0301'.repeat(10), rules)).toEqual({
      ok: true,
      text: '\u00e9'.repeat(10),
    });
    expect(reasonOf('x'.repeat(11))).toBe('it is longer than 10 characters');
  });

  it.each([
    ['empty', '', 'it is empty'],
    ['blank', ' \t ', 'it is empty'],
    ['a control character', 'a\u0007b', 'it contains control characters'],
    ['a line separator', 'a\u2028b', 'it contains control characters'],
    ['a lone surrogate', 'a\udc00', 'it contains malformed Unicode (a lone surrogate)'],
  ])('keeps refusing a text that is %s', (_case, raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });
});
