import { DomainError } from '../../shared/domain/domain-error';
import { normalizeSingleLineText } from '../../shared/domain/display-text';

export const NAME_MAX_LENGTH = 100;

/** The name rule in words, for the API document and help texts. */
export const NAME_RULE =
  `The same hygiene as todo titles: normalised to Unicode NFC and trimmed; 1..${NAME_MAX_LENGTH} ` +
  'characters (code points) with at least one visible character; no control and no ' +
  'bidirectional formatting characters.';

export class ListNameInvalidError extends DomainError {
  readonly code = 'LIST_NAME_INVALID';
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`Name is invalid: ${reason}.`, { field: 'name', reason });
  }
}

/** Returns the name as it will be stored (see `NAME_RULE`). Throws `ListNameInvalidError`. */
export function normalizeListName(raw: string): string {
  const result = normalizeSingleLineText(raw, { maxLength: NAME_MAX_LENGTH });
  if (!result.ok) throw new ListNameInvalidError(result.reason);
  return result.text;
}
