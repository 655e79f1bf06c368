import { HttpException, HttpStatus, Injectable, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { WriteSettings } from '../../application/write-settings';
import { RequestValidationError } from './request-validation.error';

/** The strong entity tag of a resource at `version` (RFC 9110 §8.8.3). */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** `If-Match` as a condition on versions: any current version, or one of a list. */
export type IfMatchCondition = { any: true } | { any: false; versions: number[] };

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3)
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^[1-9][0-9]{0,15}$/;

/**
 * A client needs one tag, or a few while it retries; a longer list is a mistake or an attack
 * and would be echoed into the 412 answer, so it is refused whole.
 */
export const IF_MATCH_MAX_TAGS = 32;
export const IF_MATCH_MAX_BYTES = 1024;

/** One member of an entity-tag list: its opaque part and whether it was marked weak (`W/`). */
export type EntityTag = { weak: boolean; opaque: string };

/**
 * Parses a conditional header's list of entity tags (RFC 9110 §13.1.1, §13.1.2): `*`, or a
 * comma-separated list of tags, at most `IF_MATCH_MAX_TAGS` in `IF_MATCH_MAX_BYTES` bytes.
 *
 * @throws RequestValidationError, naming `field`, when the value is neither.
 */
export function parseEntityTags(value: string, field: string): '*' | EntityTag[] {
  // Node reads header values as latin1: one character per byte.
  if (value.length > IF_MATCH_MAX_BYTES) throw tooLong(field);
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const members = trimmed.split(',').map((member) => member.trim());
  if (members.filter((member) => member !== '').length > IF_MATCH_MAX_TAGS) throw tooLong(field);
  const tags: EntityTag[] = [];
  for (const member of members) {
    // The list syntax allows empty elements (RFC 9110 §5.6.1); a value of only those does not.
    if (member === '') continue;
    const match = ENTITY_TAG.exec(member);
    if (!match) throw invalid(field);
    const [, weak, opaque = ''] = match;
    tags.push({ weak: weak !== undefined, opaque });
  }
  if (tags.length === 0) throw invalid(field);
  return tags;
}

/** The version a tag names, if it is one this service issues (`"<version>"`). */
export function versionOfTag(opaque: string): number | undefined {
  // Beyond 2^53 a tag would round to another version; no such version is ever issued.
  return VERSION.test(opaque) && Number.isSafeInteger(Number(opaque)) ? Number(opaque) : undefined;
}

/**
 * Parses an `If-Match` field value (RFC 9110 §13.1.1): `*`, or a comma-separated list of entity
 * tags. Matching is strong, so weak tags and tags this service never issues are kept out of the
 * list: they can never match, and a list of only those fails the precondition.
 *
 * @throws RequestValidationError when the value is not `*` or a list of entity tags.
 */
export function parseIfMatch(value: string): IfMatchCondition {
  const tags = parseEntityTags(value, 'If-Match');
  if (tags === '*') return { any: true };
  const versions: number[] = [];
  for (const tag of tags) {
    const version = tag.weak ? undefined : versionOfTag(tag.opaque);
    if (version !== undefined) versions.push(version);
  }
  return { any: false, versions };
}

function tooLong(field: string): RequestValidationError {
  return new RequestValidationError([
    {
      field,
      messages: [
        `${field} may list at most ${IF_MATCH_MAX_TAGS} entity tags in ${IF_MATCH_MAX_BYTES} bytes`,
      ],
    },
  ]);
}

function invalid(field: string): RequestValidationError {
  return new RequestValidationError([
    {
      field,
      messages: [`${field} must be * or a comma-separated list of entity tags such as "3"`],
    },
  ]);
}

/**
 * Turns the `If-Match` header into the versions a write accepts (`undefined`: any). In strict
 * mode (`REQUIRE_IF_MATCH=true`) a write without it is refused with 428 (RFC 6585), so no
 * client can overwrite a change it has not seen.
 */
@Injectable()
export class IfMatchPipe implements PipeTransform<unknown, readonly number[] | undefined> {
  constructor(private readonly settings: WriteSettings) {}

  transform(value: unknown): readonly number[] | undefined {
    if (value === undefined) {
      if (this.settings.requireIfMatch) {
        throw new HttpException(
          'This write needs an If-Match header with the ETag of the version it changes.',
          HttpStatus.PRECONDITION_REQUIRED,
        );
      }
      return undefined;
    }
    if (typeof value !== 'string') throw invalid('If-Match');
    const condition = parseIfMatch(value);
    return condition.any ? undefined : condition.versions;
  }
}

/** The raw `If-Match` header; use with `IfMatchPipe`: `@IfMatch(IfMatchPipe)`. */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Request>().headers['if-match'],
);
