import { normalizeSingleLineText } from '../../shared/domain/display-text';
import { DomainError } from '../../shared/domain/domain-error';

export const TITLE_MAX_LENGTH = 200;

/** The title rule in words, for the API document and help texts. */
export const TITLE_RULE =
  `Normalised to Unicode NFC and trimmed; 1..${TITLE_MAX_LENGTH} characters (code points) with ` +
  'at least one visible character (not only spaces, zero-width, invisible or format ' +
  'characters); no control characters (U+0000..U+001F, U+007F..U+009F, U+2028, U+2029) and no ' +
  'bidirectional formatting characters (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C).';

/**
 * Returns the title as it will be stored (see `TITLE_RULE`). Throws `TodoTitleInvalidError`
 * otherwise.
 */
export function normalizeTitle(raw: string): string {
  const result = normalizeSingleLineText(raw, { maxLength: TITLE_MAX_LENGTH });
  if (!result.ok) throw new TodoTitleInvalidError(result.reason);
  return result.text;
}

/** A title that breaks the title rule; the title rule and its error live together. */
export class TodoTitleInvalidError extends DomainError {
  readonly code = 'TODO_TITLE_INVALID';
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`Title is invalid: ${reason}.`, { field: 'title', reason });
  }
}
