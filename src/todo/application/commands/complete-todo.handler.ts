import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { CompleteTodoCommand } from './complete-todo.command';

@CommandHandler(CompleteTodoCommand)
export class CompleteTodoHandler implements ICommandHandler<CompleteTodoCommand, TodoView> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
  ) {}

  execute(command: CompleteTodoCommand): Promise<TodoView> {
    return this.runner.run(
      { type: 'CompleteTodo', data: { todoId: command.todoId, now: this.clock.now() } },
      { expectedVersion: command.expectedVersion },
    );
  }
}
