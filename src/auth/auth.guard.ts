import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { currentRequestContext } from '../shared/application/request-context';
import { AuthorizationError } from '../shared/interface/http/authentication.error';
import { actAs } from './authenticate.middleware';
import { API_KEY_HEADER, Authenticator } from './authenticator';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE } from './requires-scope.decorator';
import type { Scope } from './scopes';

/**
 * Global guard: when credentials are configured, every route not marked `@Public()` needs them.
 * Being global, a controller added later is closed by default. The `authenticate` middleware has
 * already checked every request outside the public paths; this catches a route that is reached
 * through a public path without being marked public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Without authentication every request has every scope.
    if (!this.authenticator.enabled) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    if (currentRequestContext()?.subject === undefined) {
      const request = context.switchToHttp().getRequest<Request>();
      const apiKey = request.headers[API_KEY_HEADER];
      actAs(
        await this.authenticator.authenticate({
          authorization: request.headers.authorization,
          apiKey: typeof apiKey === 'string' ? apiKey : undefined,
        }),
      );
    }
    const required = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const scopes = currentRequestContext()?.scopes;
    if (required !== undefined && scopes !== undefined && !scopes.has(required)) {
      throw new AuthorizationError(
        'insufficient-scope',
        `This operation needs the ${required} scope, which the credential does not have.`,
        `Bearer realm="todo-service", error="insufficient_scope", scope="${required}"`,
      );
    }
    return true;
  }
}
