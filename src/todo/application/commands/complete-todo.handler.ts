import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { IdempotentExecutor } from '../../../shared/application/idempotent-executor';
import type { WriteOutcome } from '../../../shared/application/idempotent-executor';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { CompleteTodoCommand } from './complete-todo.command';

@CommandHandler(CompleteTodoCommand)
export class CompleteTodoHandler implements ICommandHandler<
  CompleteTodoCommand,
  WriteOutcome<TodoView>
> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
    private readonly idempotent: IdempotentExecutor,
  ) {}

  execute(command: CompleteTodoCommand): Promise<WriteOutcome<TodoView>> {
    return this.idempotent.run(command.idempotency, (beforeCommit) =>
      this.runner.run(
        { type: 'CompleteTodo', data: { todoId: command.todoId, now: this.clock.now() } },
        { expectedVersions: command.expectedVersions, beforeCommit },
      ),
    );
  }
}
