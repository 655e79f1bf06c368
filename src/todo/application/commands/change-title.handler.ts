import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import type { WriteOutcome } from '../../../shared/application/idempotent-executor';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { ChangeTitleCommand } from './change-title.command';

@CommandHandler(ChangeTitleCommand)
export class ChangeTitleHandler implements ICommandHandler<
  ChangeTitleCommand,
  WriteOutcome<TodoView>
> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
  ) {}

  async execute(command: ChangeTitleCommand): Promise<WriteOutcome<TodoView>> {
    const result = await this.runner.run(
      {
        type: 'ChangeTitle',
        data: { todoId: command.todoId, title: command.title, now: this.clock.now() },
      },
      { expectedVersions: command.expectedVersions },
    );
    return { replayed: false, result };
  }
}
