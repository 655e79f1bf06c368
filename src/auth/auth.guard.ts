import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { currentRequestContext } from '../shared/application/request-context';
import { API_KEY_HEADER, Authenticator } from './authenticator';
import { IS_PUBLIC } from './public.decorator';

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
    if (!this.authenticator.enabled) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    if (currentRequestContext()?.subject !== undefined) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const apiKey = request.headers[API_KEY_HEADER];
    const subject = await this.authenticator.authenticate({
      authorization: request.headers.authorization,
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    });
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.subject = subject;
    return true;
  }
}
