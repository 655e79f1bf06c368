import { DomainError } from '../domain/domain-error';

/** A page cursor that this service did not issue, or that was altered. */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  readonly kind = 'invalid';

  constructor() {
    super('The cursor is malformed or was altered; start again from the first page.', {
      field: 'cursor',
    });
  }
}
