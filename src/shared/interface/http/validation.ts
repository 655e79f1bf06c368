import { Injectable, ValidationPipe, applyDecorators } from '@nestjs/common';
import type { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, isUUID } from 'class-validator';
import type { FieldError } from './problem-details';
import { RequestValidationError } from './request-validation.error';

/**
 * Keys that name JavaScript's object machinery rather than data. class-transformer drops them
 * silently, so the whitelist would never see them; they are refused like any unknown field.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whitelisted, transformed DTOs; unknown properties and wrong types are 400 problems. Body and
 * query objects are first searched, at every depth, for keys that name the prototype chain.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
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

  /** Per query DTO: whether a query without parameters is valid for it (found on first use). */
  private readonly emptyQueryValid = new Map<Type, boolean>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A query without parameters is valid or not the same way every time. The hottest GET
    // (`/todos/:id`) has none, and validating them took a few percent of its time: validated
    // once per DTO, later ones are the DTO as class-transformer would build it from `{}`.
    const { metatype } = metadata;
    if (metadata.type === 'query' && metatype && isEmptyObject(value)) {
      const valid = this.emptyQueryValid.get(metatype);
      if (valid === true) return new (metatype as new () => unknown)();
      if (valid === undefined) {
        try {
          const result = await this.checked(value, metadata);
          this.emptyQueryValid.set(metatype, true);
          return result;
        } catch (error) {
          this.emptyQueryValid.set(metatype, false);
          throw error;
        }
      }
    }
    return this.checked(value, metadata);
  }

  private async checked(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const reserved =
      metadata.type === 'body' || metadata.type === 'query' ? reservedKeysIn(value) : [];
    if (reserved.length === 0) return super.transform(value, metadata) as Promise<unknown>;
    // Report the other invalid fields too, as one answer, like any validation failure.
    let others: FieldError[] = [];
    try {
      await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof RequestValidationError)) throw error;
      others = error.errors;
    }
    throw new RequestValidationError([...reserved, ...others]);
  }
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe();
}

/** Every reserved key in a parsed body or query, with its path (`a.b.__proto__`, `items.0.constructor`). */
export function reservedKeysIn(value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node !== 'object' || node === null) continue;
    // Own keys only: `__proto__` from JSON.parse is an own property, never the prototype.
    for (const key of Object.keys(node)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (RESERVED_KEYS.has(key)) {
        found.push({ field, messages: [`property ${key} should not exist`] });
      }
      stack.push([(node as Record<string, unknown>)[key], field]);
    }
  }
  return found;
}

/**
 * A UUID in any case, as the one lowercase spelling the event log and read model use. Any
 * 8-4-4-4-12 hex spelling counts, whatever its version and variant bits, as for PostgreSQL's
 * `uuid` type: streams written with such ids must stay readable.
 */
export function canonicalUuid(value: unknown): string | undefined {
  return typeof value === 'string' && isUUID(value, 'loose') ? value.toLowerCase() : undefined;
}

/**
 * A path parameter that must be a UUID (any version). It leaves as lowercase, so a payload, a
 * stream id and a `Location` built from it agree however the client spelled it.
 */
export function uuidParam(name: string): PipeTransform<unknown, string> {
  return {
    transform(value: unknown): string {
      const id = canonicalUuid(value);
      if (id === undefined) {
        throw new RequestValidationError([{ field: name, messages: [`${name} must be a UUID`] }]);
      }
      return id;
    },
  };
}

/** A DTO property that must be a UUID; stored lowercase (see `uuidParam`). */
export function IsCanonicalUuid(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => canonicalUuid(value) ?? value),
    ValidateBy({
      name: 'isCanonicalUuid',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalUuid(value) === value,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a UUID`,
      },
    }),
  );
}

// Only ASCII digits: no sign, exponent, hex/octal/binary prefix, fraction or whitespace, all of
// which `Number()` would accept.
const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * A query parameter that must be a decimal integer in `min..max`. `Number()` alone would turn
 * `0x10`, `1e1` or `" 5"` into numbers, and anything beyond 2^53 into a rounded one; both are
 * refused here, so every value that reaches a handler is exact and in a range it handles.
 */
export function IsDecimalInteger(min: number, max: number): PropertyDecorator {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
    throw new RangeError(`IsDecimalInteger(${min}, ${max}): not a range of safe integers`);
  }
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => parseDecimalInteger(value) ?? value),
    ValidateBy({
      name: 'isDecimalInteger',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a decimal integer from ${min} to ${max}`,
      },
    }),
  );
}

/** The number a string of decimal digits stands for, if it is exact; `undefined` otherwise. */
export function parseDecimalInteger(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DECIMAL_DIGITS.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}
