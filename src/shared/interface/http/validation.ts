import { ParseUUIDPipe, ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from './request-validation.error';

/** Whitelisted, transformed DTOs; unknown properties and wrong types are 400 problems. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => RequestValidationError.fromValidationErrors(errors),
  });
}

/** A path parameter that must be a UUID (any version). */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new RequestValidationError([{ field: name, messages: [`${name} must be a UUID`] }]),
  });
}
