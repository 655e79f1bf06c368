import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { ChangeTitleCommand } from './change-title.command';

@CommandHandler(ChangeTitleCommand)
export class ChangeTitleHandler implements ICommandHandler<ChangeTitleCommand, TodoView> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
  ) {}

  execute(command: ChangeTitleCommand): Promise<TodoView> {
    return this.runner.run(
      {
        type: 'ChangeTitle',
        data: { todoId: command.todoId, title: command.title, now: this.clock.now() },
      },
      { expectedVersion: command.expectedVersion },
    );
  }
}
