import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandHandler } from '../../../event-store';
import type { IdempotencyRequest } from '../../../event-store';
import { Clock } from '../../../shared/application/clock';
import { commandMetadata } from '../../../shared/application/command-metadata';
import { IdGenerator } from '../../../shared/application/id-generator';
import { todoDecider } from '../todo.decider';
import type { TodoWriteResult } from '../todo-write';

export class CreateTodoCommand extends Command<TodoWriteResult> {
  constructor(
    readonly title: string,
    /** Leave out to let the service pick a new id. */
    readonly todoId?: string,
    /** Run at most once for this key; a retry gets the first run's result. */
    readonly idempotency?: IdempotencyRequest,
  ) {
    super();
  }
}

@CommandHandler(CreateTodoCommand)
export class CreateTodoHandler implements ICommandHandler<CreateTodoCommand, TodoWriteResult> {
  constructor(
    private readonly commands: DeciderCommandHandler,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute({ title, todoId, idempotency }: CreateTodoCommand): Promise<TodoWriteResult> {
    const id = todoId ?? this.ids.newId();
    return this.commands.handle(
      todoDecider,
      id,
      { type: 'CreateTodo', data: { todoId: id, title, now: this.clock.now() } },
      {
        idempotency,
        newStream: todoId === undefined,
        metadata: commandMetadata('CreateTodo', this.ids),
      },
    );
  }
}
