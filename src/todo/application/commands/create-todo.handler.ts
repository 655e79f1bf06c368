import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { IdGenerator } from '../../../shared/application/id-generator';
import { IdempotentExecutor } from '../../../shared/application/idempotent-executor';
import type { WriteOutcome } from '../../../shared/application/idempotent-executor';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { CreateTodoCommand } from './create-todo.command';

@CommandHandler(CreateTodoCommand)
export class CreateTodoHandler implements ICommandHandler<
  CreateTodoCommand,
  WriteOutcome<TodoView>
> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly idempotent: IdempotentExecutor,
  ) {}

  execute(command: CreateTodoCommand): Promise<WriteOutcome<TodoView>> {
    const todoId = command.todoId ?? this.ids.newId();
    return this.idempotent.run(command.idempotency, (beforeCommit) =>
      this.runner.run(
        { type: 'CreateTodo', data: { todoId, title: command.title, now: this.clock.now() } },
        { beforeCommit, newStream: command.todoId === undefined },
      ),
    );
  }
}
