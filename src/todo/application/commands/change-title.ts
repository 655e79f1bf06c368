import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandHandler } from '../../../event-store';
import { Clock } from '../../../shared/application/clock';
import { commandMetadata } from '../../../shared/application/command-metadata';
import { IdGenerator } from '../../../shared/application/id-generator';
import { todoDecider } from '../todo.decider';
import type { TodoWriteOptions, TodoWriteResult } from '../todo-write';

export class ChangeTitleCommand extends Command<TodoWriteResult> {
  constructor(
    readonly todoId: string,
    readonly title: string,
    readonly options: TodoWriteOptions = {},
  ) {
    super();
  }
}

@CommandHandler(ChangeTitleCommand)
export class ChangeTitleHandler implements ICommandHandler<ChangeTitleCommand, TodoWriteResult> {
  constructor(
    private readonly commands: DeciderCommandHandler,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute({ todoId, title, options }: ChangeTitleCommand): Promise<TodoWriteResult> {
    return this.commands.handle(
      todoDecider,
      todoId,
      { type: 'ChangeTitle', data: { todoId, title, now: this.clock.now() } },
      { ...options, metadata: commandMetadata('ChangeTitle', this.ids) },
    );
  }
}
