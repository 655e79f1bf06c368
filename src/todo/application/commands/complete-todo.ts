import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandHandler } from '../../../event-store';
import { Clock } from '../../../shared/application/clock';
import { commandMetadata } from '../../../shared/application/command-metadata';
import { IdGenerator } from '../../../shared/application/id-generator';
import { todoDecider } from '../todo.decider';
import type { TodoWriteOptions, TodoWriteResult } from '../todo-write';

export class CompleteTodoCommand extends Command<TodoWriteResult> {
  constructor(
    readonly todoId: string,
    readonly options: TodoWriteOptions = {},
  ) {
    super();
  }
}

@CommandHandler(CompleteTodoCommand)
export class CompleteTodoHandler implements ICommandHandler<CompleteTodoCommand, TodoWriteResult> {
  constructor(
    private readonly commands: DeciderCommandHandler,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute({ todoId, options }: CompleteTodoCommand): Promise<TodoWriteResult> {
    return this.commands.handle(
      todoDecider,
      todoId,
      { type: 'CompleteTodo', data: { todoId, now: this.clock.now() } },
      { ...options, metadata: commandMetadata('CompleteTodo', this.ids) },
    );
  }
}
