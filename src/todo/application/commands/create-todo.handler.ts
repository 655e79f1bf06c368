import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../shared/application/clock';
import { IdGenerator } from '../../../shared/application/id-generator';
import { TodoCommandRunner } from '../todo-command-runner';
import type { TodoView } from '../todo-view';
import { CreateTodoCommand } from './create-todo.command';

@CommandHandler(CreateTodoCommand)
export class CreateTodoHandler implements ICommandHandler<CreateTodoCommand, TodoView> {
  constructor(
    private readonly runner: TodoCommandRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(command: CreateTodoCommand): Promise<TodoView> {
    const todoId = command.todoId ?? this.ids.newId();
    return this.runner.run(
      { type: 'CreateTodo', data: { todoId, title: command.title, now: this.clock.now() } },
      { newStream: command.todoId === undefined },
    );
  }
}
