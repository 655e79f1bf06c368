import type { CommandBus } from '@nestjs/cqrs';
import type { PositionedEvent } from '../../event-store';
import { CompleteTodoCommand } from '../../todo/application/commands/complete-todo';
import { TodoAlreadyCompletedError, TodoDeletedError } from '../../todo/domain/todo';
import type { ListArchived } from '../domain/list';
import { ArchivePolicy, archiveCompletionKey } from './archive.policy';

const LIST = '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b';
const TODO_A = '6a1b8a9e-0c4e-4f57-9b7f-2f0a6c1d2e3f';
const TODO_B = '7b2c9baf-1d5f-4068-8c80-3f1b7d2e3f40';

describe('archive policy', () => {
  const archivedEvent = (completeOpenTodos: boolean): PositionedEvent<ListArchived> => ({
    type: 'ListArchived',
    data: {
      listId: LIST,
      completeOpenTodos,
      todoIds: [TODO_A, TODO_B],
      archivedAt: '2026-11-27T10:00:00.000Z',
    },
    streamId: LIST,
    streamType: 'list',
    tenantId: 'default',
    sequence: 3,
    eventId: 'e7f1c2a4-0000-4000-8000-000000000001',
    metadata: { correlationId: 'request-1' },
    recordedAt: new Date(),
    globalPosition: 10,
    transactionId: '1',
    schemaVersion: 1,
  });

  const policyWith = (execute: (command: CompleteTodoCommand) => Promise<unknown>) => {
    const sent: CompleteTodoCommand[] = [];
    const bus = {
      execute: (command: CompleteTodoCommand) => {
        sent.push(command);
        return execute(command);
      },
    } as unknown as CommandBus;
    const policy = new ArchivePolicy({ register: () => undefined } as never, bus);
    return { policy, sent };
  };

  it('completes each todo with a key derived from the archive event and the todo', async () => {
    const { policy, sent } = policyWith(() => Promise.resolve({}));
    await policy.handle(undefined, [archivedEvent(true)]);
    expect(sent.map((command) => [command.todoId, command.options.idempotency?.key])).toEqual([
      [TODO_A, archiveCompletionKey('e7f1c2a4-0000-4000-8000-000000000001', TODO_A)],
      [TODO_B, archiveCompletionKey('e7f1c2a4-0000-4000-8000-000000000001', TODO_B)],
    ]);
    expect(sent.every((command) => command instanceof CompleteTodoCommand)).toBe(true);
  });

  it('takes a todo completed or deleted meanwhile as done, and fails on anything else', async () => {
    const skipped = policyWith((command) =>
      Promise.reject(
        command.todoId === TODO_A
          ? new TodoAlreadyCompletedError(command.todoId)
          : new TodoDeletedError(command.todoId),
      ),
    );
    await expect(skipped.policy.handle(undefined, [archivedEvent(true)])).resolves.toBeUndefined();
    expect(skipped.sent).toHaveLength(2);

    const failing = policyWith(() => Promise.reject(new Error('database down')));
    await expect(failing.policy.handle(undefined, [archivedEvent(true)])).rejects.toThrow(
      'database down',
    );
  });

  it('does nothing for an archive without completeOpenTodos', async () => {
    const { policy, sent } = policyWith(() => Promise.resolve({}));
    await policy.handle(undefined, [archivedEvent(false)]);
    expect(sent).toEqual([]);
  });
});
