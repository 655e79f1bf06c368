import { Logger } from '@nestjs/common';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger as PinoLogger } from 'pino';
import { createApiDocument } from './api-document';
import { AppModule } from './app.module';
import type { AppOptions } from './app.module';
import { authenticate } from './auth/authenticate.middleware';
import { Authenticator } from './auth/authenticator';
import { loadConfig } from './config';
import type { HttpConfig } from './config';
import { createRootLogger } from './operations/logging/root-logger';
import { PinoNestLogger } from './operations/logging/pino-nest-logger';
import { requestLog } from './operations/logging/request-log.middleware';
import { httpMetrics } from './operations/metrics/http-metrics.middleware';
import { MetricsService } from './operations/metrics/metrics.service';
import { canonicalIds } from './shared/interface/http/canonical-ids';
import { answerParserErrors } from './shared/interface/http/client-error';
import { corsOptions } from './shared/interface/http/cors';
import { ProblemDetailsFilter } from './shared/interface/http/problem-details.filter';
import { jsonBody } from './shared/interface/http/json-body';
import { middlewareChain } from './shared/interface/http/middleware-chain';
import {
  FixedWindowRateLimiter,
  rateLimit,
  rateLimitRefusals,
} from './shared/interface/http/rate-limit';
import { requestId } from './shared/interface/http/request-id.middleware';
import { securityHeaders } from './shared/interface/http/security-headers';
import { createValidationPipe } from './shared/interface/http/validation';
import { wellFormedUrl } from './shared/interface/http/well-formed-url';

export type CreateAppOptions = AppOptions & {
  /**
   * A pino logger for every log line (request lines included); or Nest-style levels, which get a
   * JSON logger on stdout at the most verbose level listed (`false`: silent).
   */
  logger?: PinoLogger | false | LogLevel[];
  /** HTTP settings; each missing one takes its default from the configuration. */
  http?: Partial<HttpConfig>;
};

/** Builds the HTTP application exactly as it runs in production; tests use the same function. */
export async function createApp(options: CreateAppOptions): Promise<NestExpressApplication> {
  const http: HttpConfig = { ...loadConfig({}).http, ...options.http };
  const logger = rootLoggerOf(options.logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app, http, logger);
  return app;
}

export function configureApp(
  app: NestExpressApplication,
  http: HttpConfig,
  logger: PinoLogger,
): void {
  app.disable('x-powered-by');
  // Strong ETags with the aggregate version belong to the API; express's body hashes do not.
  app.set('etag', false);
  // Chained into as few express layers as CORS allows: each layer costs every request.
  app.use(
    middlewareChain([
      requestId([requestLog(logger), httpMetrics(app.get(MetricsService))]),
      // No upgrade-insecure-requests: served over plain HTTP (a local run, or behind a proxy that
      // terminates TLS elsewhere) it would send Swagger UI's own scripts to an https:// that is
      // not there.
      securityHeaders({
        contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      }),
    ]),
  );
  if (http.corsOrigins.length > 0) app.enableCors(corsOptions(http.corsOrigins));
  answerParserErrors(app.getHttpServer());
  // Both before the body is read and before routing: a refused client costs no parse, and
  // unknown paths are limited and closed like known ones. Authentication comes first so the
  // limit counts per subject; refused credentials count per address.
  app.use(authenticate(app.get(Authenticator), (path) => isOpenPath(path, http.docsEnabled)));
  const limiter =
    http.rateLimit.limit > 0
      ? new FixedWindowRateLimiter(http.rateLimit.limit, http.rateLimit.windowMs)
      : undefined;
  // An error handler: it sees only the requests authentication refused.
  if (limiter) app.use(rateLimitRefusals(limiter, isProbe));
  app.use(
    middlewareChain([
      ...(limiter ? [rateLimit(limiter, isProbe)] : []),
      wellFormedUrl(),
      canonicalIds(),
      jsonBody(http.bodyLimitBytes, http.maxJsonDepth),
    ]),
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (http.docsEnabled) setUpDocs(app, http);
  new Logger('Auth').log(`Authentication ${app.get(Authenticator).describe()}`);
}

/** What load balancers and Prometheus poll: open, and never rate-limited. */
const PROBE_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function isProbe(path: string): boolean {
  return PROBE_PATHS.has(path);
}

/**
 * Paths served without credentials when authentication is on: the probes and the API document.
 * Their controllers are marked `@Public()`; a public route missing here answers 401 (closed),
 * and a path listed here that reaches a route not marked public is still closed by `AuthGuard`.
 */
function isOpenPath(path: string, docsEnabled: boolean): boolean {
  if (isProbe(path)) return true;
  if (!docsEnabled) return false;
  return (
    path === '/docs' || path === '/docs-json' || path === '/docs-yaml' || path.startsWith('/docs/')
  );
}

function setUpDocs(app: NestExpressApplication, http: HttpConfig): void {
  const document = createApiDocument(app, {
    bodyLimitBytes: http.bodyLimitBytes,
    rateLimiting: http.rateLimit.limit > 0,
    rateLimitExempt: isProbe,
  });
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

function rootLoggerOf(logger: CreateAppOptions['logger']): PinoLogger {
  if (logger !== undefined && logger !== false && !Array.isArray(logger)) return logger;
  const levels: LogLevel[] = logger === false ? [] : (logger ?? ['log', 'warn', 'error', 'fatal']);
  const order = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
  const pinoLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
  const index = order.findIndex((level) => levels.includes(level));
  return createRootLogger({ level: pinoLevels[index] ?? 'silent', format: 'json' });
}
