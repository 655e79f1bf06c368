/**
 * Hygiene for short texts that people read on one line (a todo's title, a list's name): what is
 * stored must display as what it says. Pure functions, shared by every aggregate with such a text.
 */

/** What a single-line text must satisfy besides being readable. */
export type SingleLineTextRules = {
  /** Most characters (Unicode code points), after normalisation and trimming. */
  maxLength: number;
};

/** The text as it will be stored, or why it cannot be (a sentence fragment for the client). */
export type SingleLineTextResult = { ok: true; text: string } | { ok: false; reason: string };

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators would break
// single-line displays and log lines; PostgreSQL's JSONB also refuses NUL.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

// Bidirectional formatting characters: embeddings and overrides (U+202A..U+202E), isolates
// (U+2066..U+2069) and the implicit marks (U+200E, U+200F, U+061C). They reorder what is shown,
// so a text could display as something other than what it says (the "Trojan Source" trick).
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

// Characters that draw nothing on their own: white space; default-ignorable code points (zero
// width spaces and joiners, word joiner, variation selectors, tag characters, the Hangul fillers
// U+115F/U+1160/U+3164/U+FFA0, U+180E, ...); other format characters; combining marks, which
// need a base to show on; and the braille blank U+2800, which Unicode classes as a symbol.
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Mn}\p{Me}\u2800]/u;

/**
 * Whether the text shows at least one character. Invisible characters may still appear between
 * visible ones (a zero-width joiner inside an emoji sequence), but never make a text alone.
 */
export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}

/** Whether the text holds a character that reorders how the text around it is displayed. */
export function hasBidiControl(text: string): boolean {
  return BIDI_CONTROLS.test(text);
}

/**
 * Normalises a single-line text for storage: Unicode NFC (so that one text has one spelling),
 * then trimmed; refuses malformed Unicode, control and bidirectional formatting characters, a
 * text with no visible character, and one longer than `rules.maxLength` code points.
 */
export function normalizeSingleLineText(
  raw: string,
  rules: SingleLineTextRules,
): SingleLineTextResult {
  if (!raw.isWellFormed()) {
    return { ok: false, reason: 'it contains malformed Unicode (a lone surrogate)' };
  }
  const text = raw.normalize('NFC').trim();
  if (CONTROL_CHARACTERS.test(text)) {
    return { ok: false, reason: 'it contains control characters' };
  }
  if (hasBidiControl(text)) {
    return {
      ok: false,
      reason: 'it contains bidirectional formatting characters, which change how it displays',
    };
  }
  const length = [...text].length;
  if (length === 0) return { ok: false, reason: 'it is empty' };
  if (!hasVisibleCharacter(text)) {
    return {
      ok: false,
      reason: 'it has no visible character (only spaces, invisible or format characters)',
    };
  }
  if (length > rules.maxLength) {
    return { ok: false, reason: `it is longer than ${rules.maxLength} characters` };
  }
  return { ok: true, text };
}
