import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel } from '@nestjs/common';
import { AppModule } from './app.module';
import type { AppOptions } from './app.module';
import { ProblemDetailsFilter } from './shared/interface/http/problem-details.filter';
import { jsonBody } from './shared/interface/http/json-body';
import { requestId } from './shared/interface/http/request-id.middleware';
import { createValidationPipe } from './shared/interface/http/validation';

const BODY_LIMIT_BYTES = 16 * 1024;

export type CreateAppOptions = AppOptions & {
  logger?: false | LogLevel[];
};

/** Builds the HTTP application exactly as it runs in production; tests use the same function. */
export async function createApp(options: CreateAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: options.logger ?? ['log', 'warn', 'error', 'fatal'],
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app);
  return app;
}

export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  // Strong ETags with the aggregate version belong to the API; express's body hashes do not.
  app.set('etag', false);
  app.use(requestId());
  app.use(...jsonBody(BODY_LIMIT_BYTES));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Todo service')
      .setDescription(
        'An event-sourced Todo service (CQRS, DDD, PostgreSQL). Every change is an event in an ' +
          'append-only log; reads come from a projection that commits with each event. ' +
          'Errors are RFC 9457 `application/problem+json` with a stable `type`.',
      )
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
