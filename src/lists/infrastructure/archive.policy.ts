import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SubscriptionRegistry } from '../../event-store';
import type { EventSubscription, PositionedEvent } from '../../event-store';
import { runWithRequestContext } from '../../shared/application/request-context';
import { CompleteTodoCommand } from '../../todo/application/commands/complete-todo';
import {
  TodoAlreadyCompletedError,
  TodoDeletedError,
  TodoNotFoundError,
} from '../../todo/domain/todo';
import type { ListArchived } from '../domain/list';

/** The idempotency key of completing `todoId` because of the archive event `eventId`. */
export function archiveCompletionKey(eventId: string, todoId: string): string {
  return `list-archived:${eventId}:${todoId}`;
}

/**
 * When a list is archived with `completeOpenTodos`, completes each of its open todos through the
 * todo module's public command, after the archive committed (a subscription, not the list's
 * transaction). Each completion carries an idempotency key derived from the archive event and
 * the todo, so when this policy is retried, or the process dies halfway and the batch is read
 * again, a completion that already happened is replayed, not repeated. A todo that someone
 * completed or deleted meanwhile is skipped. The subscription has no tables: it is a reaction,
 * never rebuilt.
 */
@Injectable()
export class ArchivePolicy implements EventSubscription<ListArchived>, OnModuleInit {
  readonly name = 'lists_archive_policy';
  readonly eventTypes = ['ListArchived'] as const;
  readonly streamTypes = ['list'];

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly commands: CommandBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(_tx: unknown, events: readonly PositionedEvent<ListArchived>[]): Promise<void> {
    for (const event of events) {
      if (!event.data.completeOpenTodos) continue;
      // The completions belong to the archive request: same tenant, correlation id and subject.
      const { correlationId, subject } = event.metadata;
      const context = {
        requestId: typeof correlationId === 'string' ? correlationId : event.eventId,
        tenant: event.tenantId,
        ...(typeof subject === 'string' ? { subject } : {}),
      };
      await runWithRequestContext(context, () => this.completeAll(event));
    }
  }

  private async completeAll(event: PositionedEvent<ListArchived>): Promise<void> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(['ArchivePolicy', event.data.listId]))
      .digest('base64url');
    for (const todoId of event.data.todoIds) {
      const idempotency = { key: archiveCompletionKey(event.eventId, todoId), fingerprint };
      try {
        await this.commands.execute(new CompleteTodoCommand(todoId, { idempotency }));
      } catch (error) {
        // Completed by someone else, or gone: nothing left to do for this todo.
        if (
          error instanceof TodoAlreadyCompletedError ||
          error instanceof TodoDeletedError ||
          error instanceof TodoNotFoundError
        ) {
          continue;
        }
        throw error;
      }
    }
  }
}
