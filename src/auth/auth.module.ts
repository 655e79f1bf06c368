import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { AuthConfig } from '../config';
import { AuthGuard } from './auth.guard';
import { AUTH_CONFIG, Authenticator } from './authenticator';

/**
 * Authentication by bearer JWT or API key. The app runs the `authenticate` middleware before the
 * body is read and registers `AuthGuard` globally behind it.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: AUTH_CONFIG, useValue: config }, Authenticator, AuthGuard],
      exports: [Authenticator, AuthGuard],
    };
  }
}
