import type { EventMetadata } from '../../event-store';
import type { IdGenerator } from './id-generator';
import { currentRequestContext } from './request-context';

/**
 * What every event of one command records about its cause: `correlationId` ties every event and
 * log line of one request (its `X-Request-Id`) together; `causationId` names this command's
 * execution, the direct cause of the events it appends; the acting subject comes last, so
 * nothing a caller passes can claim another one.
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
          ...(context.subject !== undefined ? { subject: context.subject } : {}),
        }
      : {}),
  };
}
