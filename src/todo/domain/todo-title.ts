import { TodoTitleInvalidError } from './todo.errors';

export const TITLE_MAX_LENGTH = 200;

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators would break
// single-line displays and log lines; PostgreSQL's JSONB also refuses NUL.
const FORBIDDEN_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

/**
 * Returns the title as it will be stored: trimmed, 1..200 characters (code points), with no
 * control characters. Throws `TodoTitleInvalidError` otherwise.
 */
export function normalizeTitle(raw: string): string {
  if (!raw.isWellFormed()) {
    throw new TodoTitleInvalidError('it contains malformed Unicode (a lone surrogate)');
  }
  const title = raw.trim();
  if (FORBIDDEN_CHARACTERS.test(title)) {
    throw new TodoTitleInvalidError('it contains control characters');
  }
  const length = [...title].length;
  if (length === 0) {
    throw new TodoTitleInvalidError('it is empty');
  }
  if (length > TITLE_MAX_LENGTH) {
    throw new TodoTitleInvalidError(`it is longer than ${TITLE_MAX_LENGTH} characters`);
  }
  return title;
}
