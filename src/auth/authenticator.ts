import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import type { AuthConfig } from '../config';
import { AuthenticationError } from '../shared/interface/http/authentication.error';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export const API_KEY_HEADER = 'x-api-key';

type Credentials = { authorization?: string; apiKey?: string };

/**
 * Checks the credentials of a request against what is configured: a bearer JWT (HS256 secret or
 * a JWKS URL, with audience and issuer when set) or an API key. Returns the acting subject.
 */
@Injectable()
export class Authenticator {
  private readonly jwtKey: Uint8Array | JWTVerifyGetKey | undefined;
  private readonly apiKeyDigests: Buffer[];
  private readonly verifyOptions: JWTVerifyOptions;
  readonly challenge: string;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    this.jwtKey = config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000 })
      : config.jwtSecret
        ? new TextEncoder().encode(config.jwtSecret)
        : undefined;
    this.apiKeyDigests = config.apiKeys.map(digest);
    this.verifyOptions = {
      algorithms: config.jwksUrl ? ['RS256', 'PS256', 'ES256', 'EdDSA'] : ['HS256'],
      ...(config.audience ? { audience: config.audience } : {}),
      ...(config.issuer ? { issuer: config.issuer } : {}),
      clockTolerance: 5,
    };
    const schemes: string[] = [];
    if (this.jwtKey) schemes.push('Bearer realm="todo-service"');
    if (this.apiKeyDigests.length > 0) schemes.push('ApiKey realm="todo-service"');
    this.challenge = schemes.join(', ');
  }

  /** True when any credential is configured; otherwise the API is open. */
  get enabled(): boolean {
    return this.jwtKey !== undefined || this.apiKeyDigests.length > 0;
  }

  /** Which credentials are configured, for the API document. */
  get schemes(): { bearer: boolean; apiKey: boolean } {
    return { bearer: this.jwtKey !== undefined, apiKey: this.apiKeyDigests.length > 0 };
  }

  /** Which schemes are on, for the start-up log. */
  describe(): string {
    if (!this.enabled)
      return 'off: every route is open (set AUTH_JWT_SECRET, AUTH_JWKS_URL or AUTH_API_KEYS)';
    const on: string[] = [];
    if (this.config.jwksUrl) on.push('bearer JWT from a JWKS');
    else if (this.config.jwtSecret) on.push('bearer JWT (HS256)');
    if (this.apiKeyDigests.length > 0) on.push(`${this.apiKeyDigests.length} API key(s)`);
    return `on: ${on.join(' and ')}`;
  }

  /** The acting subject; throws `AuthenticationError` when the credentials do not pass. */
  async authenticate(credentials: Credentials): Promise<string> {
    const { authorization, apiKey } = credentials;
    if (apiKey !== undefined && this.apiKeyDigests.length > 0) {
      const offered = digest(apiKey);
      const index = this.apiKeyDigests.findIndex((known) => timingSafeEqual(known, offered));
      if (index >= 0) return `api-key:${index + 1}`;
      throw this.fail('The API key is not valid.');
    }
    const bearer = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '')?.[1];
    if (bearer !== undefined && this.jwtKey !== undefined) {
      try {
        const { payload } =
          this.jwtKey instanceof Uint8Array
            ? await jwtVerify(bearer, this.jwtKey, this.verifyOptions)
            : await jwtVerify(bearer, this.jwtKey, this.verifyOptions);
        if (typeof payload.sub !== 'string' || payload.sub === '') {
          throw this.fail('The token has no subject (sub).');
        }
        return `jwt:${payload.sub}`;
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        throw this.fail(describeJoseError(error));
      }
    }
    throw this.fail('This route needs credentials.');
  }

  private fail(message: string): AuthenticationError {
    return new AuthenticationError(message, this.challenge);
  }
}

function digest(value: string): Buffer {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the key length.
  return createHash('sha256').update(value, 'utf8').digest();
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The token's ${error.claim} claim is not accepted.`;
  }
  return 'The token is not valid.';
}
