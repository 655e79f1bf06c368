import { Injectable } from '@nestjs/common';
import { CommandEnvironment } from '../../event-store';
import type { EventMetadata } from '../../event-store';
import { Clock } from './clock';
import { IdGenerator } from './id-generator';
import { currentRequestContext } from './request-context';

/**
 * What every event of one command records about its cause: `correlationId` ties every event and
 * log line of one request (its `X-Request-Id`) together; `causationId` names this command's
 * execution, the direct cause of the events it appends; the tenant and the acting subject come
 * last, so nothing a caller passes can claim another one.
 */
export function commandMetadata(commandType: string, ids: IdGenerator): EventMetadata {
  const context = currentRequestContext();
  return {
    command: commandType,
    correlationId: context?.requestId ?? ids.newId(),
    causationId: ids.newId(),
    ...(context
      ? {
          requestId: context.requestId,
          ...(context.tenant !== undefined ? { tenant: context.tenant } : {}),
          ...(context.subject !== undefined ? { subject: context.subject } : {}),
        }
      : {}),
  };
}

/** The clock, ids and request metadata every command of the generic command path runs with. */
@Injectable()
export class ServiceCommandEnvironment extends CommandEnvironment {
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    super();
  }

  now(): Date {
    return this.clock.now();
  }

  newId(): string {
    return this.ids.newId();
  }

  metadata(commandType: string): EventMetadata {
    return commandMetadata(commandType, this.ids);
  }
}
