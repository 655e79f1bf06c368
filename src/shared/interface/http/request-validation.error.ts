import type { ValidationError } from 'class-validator';
import type { FieldError } from './problem-details';

/** Input that failed validation before reaching a handler; reported as a 400 with every field. */
export class RequestValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`Invalid input: ${errors.map((error) => error.field).join(', ')}.`);
    this.name = 'RequestValidationError';
  }

  static fromValidationErrors(errors: ValidationError[]): RequestValidationError {
    return new RequestValidationError(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints
      ? [{ field, messages: Object.values(error.constraints) }]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
