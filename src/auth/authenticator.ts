import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { checkJwksUrl } from '../config';
import type { ApiKeyEntry, AuthConfig } from '../config';
import { DEFAULT_TENANT, TENANT_PATTERN } from '../database/tenant-scope';
import {
  AuthenticationError,
  AuthorizationError,
} from '../shared/interface/http/authentication.error';
import { SCOPES } from './scopes';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export const API_KEY_HEADER = 'x-api-key';

export const DEFAULT_TENANT_CLAIM = 'tenant_id';

type Credentials = { authorization?: string; apiKey?: string };

/** Who acts, for which tenant, with which scopes (undefined: every scope). */
export type Principal = {
  subject: string;
  tenant: string;
  scopes?: ReadonlySet<string>;
};

/** Seconds of clock difference tolerated between the token's issuer and this service. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** How long a fetch of the key set may take, and how long a fetched set is used. */
export const JWKS_TIMEOUT_MS = 3000;
export const JWKS_CACHE_MS = 10 * 60 * 1000;

/**
 * A compact JWS in base64url without padding (RFC 7515): anything else (padding, `+` or `/`,
 * whitespace) is a second spelling of some token, refused rather than normalised.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The subject is written into every event's metadata and into logs: at most 256 characters,
 * none of them control, format (zero-width, bidi), line-separator or unassigned ones, and not
 * only spaces.
 */
const MAX_SUBJECT_LENGTH = 256;
const PRINTABLE_SUBJECT = /^(?=.*[^\p{Z}])[^\p{C}\p{Zl}\p{Zp}]+$/u;

/**
 * Checks the credentials of a request against what is configured: a bearer JWT (HS256 secret or
 * a JWKS URL, with audience and issuer when set) or an API key. Returns the acting subject.
 */
@Injectable()
export class Authenticator {
  private readonly jwtKey: Uint8Array | JWTVerifyGetKey | undefined;
  private readonly apiKeyDigests: Buffer[];
  private readonly keyEntries: { entry: ApiKeyEntry; digest: Buffer }[];
  private readonly verifyOptions: JWTVerifyOptions;
  private readonly logger = new Logger('Auth');
  readonly challenge: string;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    if (config.jwksUrl) checkJwksUrl(config.jwksUrl, config.jwksAllowHttp === true);
    this.jwtKey = config.jwksUrl
      ? this.remoteKeySet(new URL(config.jwksUrl))
      : config.jwtSecret
        ? new TextEncoder().encode(config.jwtSecret)
        : undefined;
    this.apiKeyDigests = config.apiKeys.map(digest);
    this.keyEntries = (config.apiKeyEntries ?? []).map((entry) => ({
      entry,
      digest: Buffer.from(entry.sha256, 'hex'),
    }));
    this.verifyOptions = {
      algorithms: config.jwksUrl ? ['RS256', 'PS256', 'ES256', 'EdDSA'] : ['HS256'],
      ...(config.audience ? { audience: config.audience } : {}),
      ...(config.issuer ? { issuer: config.issuer } : {}),
      // A token without an expiry would stay valid for ever once leaked.
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    const schemes: string[] = [];
    if (this.jwtKey) schemes.push('Bearer realm="todo-service"');
    if (this.hasApiKeys) schemes.push('ApiKey realm="todo-service"');
    this.challenge = schemes.join(', ');
  }

  /** True when any credential is configured; otherwise the API is open. */
  get enabled(): boolean {
    return this.jwtKey !== undefined || this.hasApiKeys;
  }

  private get hasApiKeys(): boolean {
    return this.apiKeyDigests.length > 0 || this.keyEntries.length > 0;
  }

  /** Which credentials are configured, for the API document. */
  get schemes(): { bearer: boolean; apiKey: boolean } {
    return { bearer: this.jwtKey !== undefined, apiKey: this.hasApiKeys };
  }

  /** The JWT claim that names the tenant. */
  get tenantClaim(): string {
    return this.config.tenantClaim ?? DEFAULT_TENANT_CLAIM;
  }

  /** Which schemes are on, for the start-up log. */
  describe(): string {
    if (!this.enabled)
      return 'off: every route is open (set AUTH_JWT_SECRET, AUTH_JWKS_URL or AUTH_API_KEYS)';
    const on: string[] = [];
    if (this.config.jwksUrl) on.push('bearer JWT from a JWKS');
    else if (this.config.jwtSecret) on.push('bearer JWT (HS256)');
    const keys = this.apiKeyDigests.length + this.keyEntries.length;
    if (keys > 0) on.push(`${keys} API key(s)`);
    return `on: ${on.join(' and ')}`;
  }

  /**
   * Who acts, in which tenant, with which scopes. Throws `AuthenticationError` when the
   * credentials do not pass, `AuthorizationError` (tenant-required) when a valid token names
   * no tenant.
   */
  async authenticate(credentials: Credentials): Promise<Principal> {
    const { authorization, apiKey } = credentials;
    if (apiKey !== undefined && this.hasApiKeys) {
      const offered = digest(apiKey);
      // Every entry is compared, so the time taken says nothing about which one matched.
      let found: Principal | undefined;
      this.apiKeyDigests.forEach((known, index) => {
        if (timingSafeEqual(known, offered) && !found) {
          found = { subject: `api-key:${index + 1}`, tenant: DEFAULT_TENANT };
        }
      });
      for (const { entry, digest: known } of this.keyEntries) {
        if (timingSafeEqual(known, offered) && !found) {
          found = {
            subject: `api-key:${entry.name}`,
            tenant: entry.tenant,
            scopes: new Set(entry.scopes),
          };
        }
      }
      if (found) return found;
      throw this.fail('The API key is not valid.');
    }
    const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer !== undefined && this.jwtKey !== undefined) {
      if (!isCanonicalJws(bearer)) throw this.fail('The token is not valid.');
      let payload: Record<string, unknown>;
      try {
        ({ payload } =
          this.jwtKey instanceof Uint8Array
            ? await jwtVerify(bearer, this.jwtKey, this.verifyOptions)
            : await jwtVerify(bearer, this.jwtKey, this.verifyOptions));
        // jose checks `iat` only against a maximum age; a token from the future is refused too.
        if (
          typeof payload.iat === 'number' &&
          payload.iat > nowSeconds() + CLOCK_TOLERANCE_SECONDS
        ) {
          throw this.fail("The token's iat claim is in the future.");
        }
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        if (error instanceof KeySetUnavailable) {
          throw new ServiceUnavailableException(
            'The keys that verify tokens cannot be fetched right now; try again shortly.',
          );
        }
        throw this.fail(describeJoseError(error));
      }
      const subject = payload.sub;
      if (typeof subject !== 'string' || subject === '') {
        throw this.fail('The token has no subject (sub).');
      }
      if ([...subject].length > MAX_SUBJECT_LENGTH || !PRINTABLE_SUBJECT.test(subject)) {
        throw this.fail(
          `The token's subject (sub) must be 1 to ${MAX_SUBJECT_LENGTH} printable characters.`,
        );
      }
      const claim = this.config.tenantClaim ?? DEFAULT_TENANT_CLAIM;
      const tenant = payload[claim];
      if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
        throw new AuthorizationError(
          'tenant-required',
          `The token has no valid ${claim} claim: 1 to 63 letters, digits, ., _ or -, naming the tenant to act for.`,
        );
      }
      const scopes = scopesOf(payload, this.config.requireScopes === true);
      return { subject: `jwt:${subject}`, tenant, ...(scopes ? { scopes } : {}) };
    }
    throw this.fail('This route needs credentials.');
  }

  /**
   * Keys fetched with a timeout and kept for `JWKS_CACHE_MS` (an unknown `kid` refetches at most
   * every 30 s). A key set that cannot be fetched is the service's fault, not the token's: 503.
   */
  private remoteKeySet(url: URL): JWTVerifyGetKey {
    const remote = createRemoteJWKSet(url, {
      timeoutDuration: JWKS_TIMEOUT_MS,
      cacheMaxAge: JWKS_CACHE_MS,
      cooldownDuration: 30_000,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (
          error instanceof joseErrors.JWKSNoMatchingKey ||
          error instanceof joseErrors.JWKSMultipleMatchingKeys
        ) {
          throw error;
        }
        this.logger.warn(`The JSON Web Key Set could not be fetched: ${String(error)}`);
        throw new KeySetUnavailable();
      }
    };
  }

  private fail(message: string): AuthenticationError {
    return new AuthenticationError(message, this.challenge);
  }
}

/**
 * The token's scopes: `scope` (space-separated, RFC 8693) or `scp` (an array). Without either,
 * every scope, unless scopes are required; unknown scope names are ignored.
 */
function scopesOf(
  payload: Record<string, unknown>,
  required: boolean,
): ReadonlySet<string> | undefined {
  const { scope, scp } = payload;
  const named =
    typeof scope === 'string'
      ? scope.split(' ')
      : Array.isArray(scp)
        ? scp.filter((item): item is string => typeof item === 'string')
        : undefined;
  if (named === undefined) return required ? new Set() : undefined;
  return new Set(named.filter((name) => (SCOPES as readonly string[]).includes(name)));
}

function digest(value: string): Buffer {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the key length.
  return createHash('sha256').update(value, 'utf8').digest();
}

class KeySetUnavailable extends Error {}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Base64url has one spelling per byte string only without padding and with zero unused bits in
 * the last character; a decoder ignores both, so `sig`, `sig=` and a `sig` with its last
 * character's low bits changed all verify. Re-encoding shows whether this is the one spelling.
 */
function isCanonicalJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  return token
    .split('.')
    .every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return error.reason === 'missing'
      ? `The token has no ${error.claim} claim.`
      : `The token's ${error.claim} claim is not accepted.`;
  }
  return 'The token is not valid.';
}
