import { DomainError } from '../../shared/domain/domain-error';

/** A day range that ends before it starts or spans too many days. */
export class ActivityRangeInvalidError extends DomainError {
  readonly code = 'ACTIVITY_RANGE_INVALID';
  readonly kind = 'invalid';

  constructor(from: string, to: string, reason: string) {
    super(`The range ${from}..${to} is invalid: ${reason}.`, { from, to });
  }
}
