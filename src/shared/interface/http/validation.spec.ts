import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { RequestValidationError } from './request-validation.error';
import {
  IsCanonicalUuid,
  IsDecimalInteger,
  RequestValidationPipe,
  parseDecimalInteger,
  reservedKeysIn,
  uuidParam,
} from './validation';

class PageDto {
  @IsOptional()
  @IsDecimalInteger(1, 100)
  limit?: number;
}

class RefDto {
  @IsCanonicalUuid()
  todoId!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

const pipe = new RequestValidationPipe();
const query = (metatype: new () => unknown): ArgumentMetadata => ({ type: 'query', metatype });
const body = (metatype: new () => unknown): ArgumentMetadata => ({ type: 'body', metatype });

async function fieldsRefused(value: unknown, metadata: ArgumentMetadata): Promise<string[]> {
  try {
    await pipe.transform(value, metadata);
  } catch (error) {
    if (error instanceof RequestValidationError) return error.errors.map((e) => e.field);
    throw error;
  }
  return [];
}

describe('request validation', () => {
  describe('decimal integers', () => {
    it.each([
      ['1', 1],
      ['100', 100],
      ['007', 7],
      ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ])('reads %j as %d', (text, number) => {
      expect(parseDecimalInteger(text)).toBe(number);
    });

    it.each([
      '0x10',
      '0o7',
      '0b1',
      '1e1',
      '1.0',
      '1.5',
      '+5',
      '-1',
      ' 5',
      '  5',
      '5 ',
      '\t5',
      '',
      'Infinity',
      'NaN',
      '１２', // full-width digits
      '٣', // Arabic-Indic digit
      '9007199254740992',
      '99999999999999999999',
    ])('refuses %j', (text) => {
      expect(parseDecimalInteger(text)).toBeUndefined();
    });

    it.each([['0x10'], ['1e1'], ['  5'], ['0'], ['101'], ['1.5'], ['9007199254740993']])(
      'a query parameter %j is a validation error',
      async (limit) => {
        expect(await fieldsRefused({ limit }, query(PageDto))).toEqual(['limit']);
      },
    );

    it('a repeated parameter is a validation error', async () => {
      expect(await fieldsRefused({ limit: ['1', '2'] }, query(PageDto))).toEqual(['limit']);
    });

    it('a valid one arrives as a number', async () => {
      expect(await pipe.transform({ limit: '16' }, query(PageDto))).toEqual({ limit: 16 });
    });

    it('refuses a range it could not represent exactly', () => {
      expect(() => IsDecimalInteger(0, Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    });
  });

  describe('an empty query', () => {
    it('arrives as the DTO every time, once found valid', async () => {
      const fresh = new RequestValidationPipe();
      for (let i = 0; i < 3; i++) {
        const value = await fresh.transform({}, query(PageDto));
        expect(value).toBeInstanceOf(PageDto);
        expect(value).toEqual(new PageDto());
      }
    });

    it('is refused every time by a DTO with a required field', async () => {
      const fresh = new RequestValidationPipe();
      for (let i = 0; i < 3; i++) {
        await expect(fresh.transform({}, query(RefDto))).rejects.toThrow(RequestValidationError);
      }
    });

    it('does not spare a query with parameters its validation', async () => {
      const fresh = new RequestValidationPipe();
      await fresh.transform({}, query(PageDto));
      await expect(fresh.transform({ limit: '0' }, query(PageDto))).rejects.toThrow(
        RequestValidationError,
      );
    });
  });

  describe('keys that name the prototype chain', () => {
    it.each([
      ['{"__proto__":1}', ['__proto__']],
      ['{"constructor":{}}', ['constructor']],
      ['{"prototype":null}', ['prototype']],
      ['{"a":{"b":[{"__proto__":{}}]}}', ['a.b.0.__proto__']],
      ['{"a":{"constructor":{"prototype":1}}}', ['a.constructor', 'a.constructor.prototype']],
      ['{"a":{"Constructor":1,"__proto":2,"proto":3}}', []],
    ])('finds them at any depth in %s', (json, fields) => {
      // JSON.parse makes `__proto__` an own key, as the body parser does.
      const found = reservedKeysIn(JSON.parse(json)).map((e) => e.field);
      expect(found.sort()).toEqual(fields);
    });

    it.each([
      ['body', '{"todoId":"3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e","__proto__":{"x":1}}'],
      ['body', '{"todoId":"3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e","constructor":{"x":1}}'],
      ['body', '{"todoId":"3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e","prototype":1}'],
    ])('refuses them in a %s like any unknown field', async (_kind, json) => {
      const fields = await fieldsRefused(JSON.parse(json), body(RefDto));
      expect(fields).toHaveLength(1);
      expect(fields[0]).toMatch(/^(__proto__|constructor|prototype)$/);
    });

    it('reports the other invalid fields in the same answer', async () => {
      const fields = await fieldsRefused(
        JSON.parse('{"todoId":"nope","__proto__":{},"extra":1}'),
        body(RefDto),
      );
      expect(fields.sort()).toEqual(['__proto__', 'extra', 'todoId']);
    });

    it('refuses them in a query', async () => {
      const parsed = Object.assign(Object.create(null) as object, { constructor: '1' });
      expect(await fieldsRefused(parsed, query(PageDto))).toEqual(['constructor']);
    });
  });

  describe('UUIDs', () => {
    const upper = '3F1C1A9E-3B0E-4C5C-9A57-0D5C3F1F9B2E';
    const lower = upper.toLowerCase();

    it('a path parameter leaves lowercase', () => {
      expect(uuidParam('id').transform(upper, { type: 'param' })).toBe(lower);
      expect(uuidParam('id').transform(lower, { type: 'param' })).toBe(lower);
    });

    it('any version and variant is a UUID, as in PostgreSQL: such streams stay readable', () => {
      // Version 1 with variant bits 11x: not RFC 9562's variant, still a valid `uuid` value.
      const odd = '328911DB-12AB-1EAB-FACE-1D2E7AC9C0B0';
      expect(uuidParam('id').transform(odd, { type: 'param' })).toBe(odd.toLowerCase());
    });

    it.each([
      'nope',
      `${lower}x`,
      `{${lower}}`,
      lower.replace(/-/g, ''),
      '',
      `${lower.slice(0, 35)}g`,
    ])('a path parameter %j is refused', (value) => {
      expect(() => uuidParam('id').transform(value, { type: 'param' })).toThrow(
        RequestValidationError,
      );
    });

    it('a body property leaves lowercase', async () => {
      expect(await pipe.transform({ todoId: upper }, body(RefDto))).toEqual({ todoId: lower });
      expect(await fieldsRefused({ todoId: 'nope' }, body(RefDto))).toEqual(['todoId']);
      expect(await fieldsRefused({ todoId: 7 }, body(RefDto))).toEqual(['todoId']);
    });
  });
});
