import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes';

export const REQUIRED_SCOPE = 'auth:scope';

/**
 * The scope a route needs. `AuthGuard` refuses a credential without it (403
 * `insufficient-scope`), and the API document lists it in the operation's security.
 */
export const RequiresScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPE, scope);
