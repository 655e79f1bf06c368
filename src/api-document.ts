import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Authenticator } from './auth/authenticator';
import { IS_PUBLIC } from './auth/public.decorator';
import { REQUIRED_SCOPE } from './auth/requires-scope.decorator';
import { SCOPE_DESCRIPTIONS } from './auth/scopes';
import {
  NO_DATABASE,
  addServiceWideResponses,
  operationsOf,
  renameSchemas,
  withoutDtoSuffix,
} from './shared/interface/http/api-document';
import type { DocumentedOperation, OperationTraits } from './shared/interface/http/api-document';

/** Every tag an operation may carry, with what a reader finds under it. */
const TAGS: Record<string, string> = {
  todos:
    'Create, change and read todos. A write appends events to the log and updates the read ' +
    'model in the same transaction; the history and earlier versions are read from the log.',
  lists:
    'Todo lists: a list holds todos in order and shows each with its current title and ' +
    "completed flag. The list's own changes show at once; its todos' changes shortly after " +
    'they are committed. Archiving can complete every open todo of the list.',
  activity:
    'Read-only views that a subscription builds from the log. They follow writes ' +
    'asynchronously: a change shows up here shortly after it is committed.',
  events:
    'The change feed: every event of the log in its gap-safe order, as pages (with long ' +
    'polling) or as server-sent events, for clients that integrate by following changes.',
  webhooks:
    'Endpoints that receive the events as signed CloudEvents (Standard Webhooks), each at ' +
    'least once and in order per stream, with their delivery attempts.',
  admin:
    "Where the service's readers of the log (projections, subscriptions, the broker " +
    "publisher, webhook endpoints) stand, as far as the credential's tenant is concerned.",
  health:
    'Probes for a load balancer or an orchestrator. Open even when authentication is on, and ' +
    'never rate-limited.',
};

export type ApiDocumentSettings = {
  bodyLimitBytes: number;
  /** Whether a rate limit is configured. */
  rateLimiting: boolean;
  /** Paths the rate limit never counts. */
  rateLimitExempt: (path: string) => boolean;
};

/**
 * The OpenAPI document of the running application, as Swagger UI serves it. It shows security
 * only when authentication is configured (else Swagger UI would show a lock on every open
 * route), and lists the answers every route shares (401, 413, 415, 429, 500, 503) where each can
 * happen, so a controller documents only its own.
 */
export function createApiDocument(
  app: INestApplication,
  settings: ApiDocumentSettings,
): OpenAPIObject {
  const schemes = app.get(Authenticator).schemes;
  const tenantClaim = app.get(Authenticator).tenantClaim;
  const scopeDescription =
    'each operation lists the scope it needs (403 insufficient-scope without it): ' +
    Object.entries(SCOPE_DESCRIPTIONS)
      .map(([scope, description]) => `\`${scope}\` (${description})`)
      .join(', ');
  const builder = new DocumentBuilder()
    .setTitle('Todo service')
    .setDescription(
      'An event-sourced Todo service (CQRS, DDD, PostgreSQL). Every change is an event in an ' +
        'append-only log; reads come from a projection that commits with each event. ' +
        'Errors are RFC 9457 `application/problem+json` with a stable `type`.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: Swagger UI and clients call the server that serves the document.
    .addServer('/');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  if (schemes.bearer) {
    builder
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `A JWT naming its tenant in the ${tenantClaim} claim and its scopes in \`scope\` (space-separated) or \`scp\`; ${scopeDescription}`,
        },
        'bearer',
      )
      .addSecurityRequirements('bearer');
  }
  if (schemes.apiKey) {
    builder
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: `A key with a tenant and scopes of its own; ${scopeDescription}`,
        },
        'apiKey',
      )
      .addSecurityRequirements('apiKey');
  }
  const authentication = schemes.bearer || schemes.apiKey;

  const config = builder.build();
  // The builder starts with an empty contact; whoever runs the service is its contact.
  delete config.info.contact;
  const document = SwaggerModule.createDocument(app, config);
  const marks = handlerMarks(app);
  // A route whose handler is not found gets the safe defaults: closed, limited, on the database.
  const traitsOf = ({ path, operation }: DocumentedOperation): OperationTraits => {
    const marked =
      operation.operationId === undefined ? undefined : marks.get(operation.operationId);
    return {
      public: marked?.public ?? false,
      rateLimited: !settings.rateLimitExempt(path),
      usesDatabase: !(marked?.noDatabase ?? false),
      ...(marked?.scope === undefined ? {} : { scope: marked.scope }),
    };
  };
  if (authentication) {
    // Open routes say so, so Swagger UI shows no lock on them.
    for (const documented of operationsOf(document)) {
      if (traitsOf(documented).public) documented.operation.security = [];
    }
  }
  // OpenAPI 3.0 lists scopes in security requirements only for OAuth 2 and OpenID Connect; a
  // bearer token or an API key carries its scopes itself, so each operation names the one it
  // needs in an extension and in its description.
  for (const documented of operationsOf(document)) {
    const { scope } = traitsOf(documented);
    if (scope === undefined) continue;
    const operation = documented.operation as typeof documented.operation & {
      'x-required-scopes'?: string[];
    };
    operation['x-required-scopes'] = [scope];
    const needs = `Needs the \`${scope}\` scope (a credential without it: 403 insufficient-scope).`;
    operation.description =
      operation.description === undefined ? needs : `${operation.description}\n\n${needs}`;
  }
  addServiceWideResponses(
    document,
    {
      bodyLimitBytes: settings.bodyLimitBytes,
      rateLimiting: settings.rateLimiting,
      authentication,
    },
    traitsOf,
  );
  renameSchemas(document, withoutDtoSuffix);
  return document;
}

/**
 * What the handler of each operation is marked with, by the operation id Swagger gives it
 * (`Controller_method`): the same metadata the guard acts on.
 */
function handlerMarks(
  app: INestApplication,
): Map<string, { public: boolean; noDatabase: boolean; scope?: string }> {
  const reflector = app.get(Reflector);
  const marks = new Map<string, { public: boolean; noDatabase: boolean; scope?: string }>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (typeof controller !== 'function') continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const flag = (key: string): boolean =>
          reflector.getAllAndOverride<boolean | undefined>(key, [handler, controller]) === true;
        const scope = reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [
          handler,
          controller,
        ]);
        marks.set(`${controller.name}_${name}`, {
          public: flag(IS_PUBLIC),
          noDatabase: flag(NO_DATABASE),
          ...(scope === undefined ? {} : { scope }),
        });
      }
    }
  }
  return marks;
}
