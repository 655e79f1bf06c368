import { Injectable } from '@nestjs/common';
import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { Event, EventMetadata } from '../core/event';
import { DeciderCommandHandler } from './command-handler';
import type { CommandResult, HandleOptions } from './command-handler';
import type { Decider } from './decider';

/**
 * What the application supplies to every command once, so no command brings its own clock,
 * id generator or request context. Provide it in the application's container (the event store
 * does not know where time, ids and the current request come from).
 */
export abstract class CommandEnvironment {
  abstract now(): Date;
  /** A fresh stream id, for commands that start a new stream without naming it. */
  abstract newId(): string;
  /** What every event of one run of `commandType` records about its cause. */
  abstract metadata(commandType: string): EventMetadata;
}

/** What the handler knows when it turns a bus command into the decider's command. */
export type DomainCommandInput = {
  /** The stream the command runs on (generated when the bus command named none). */
  streamId: string;
  now: Date;
};

/** What a caller may add to any decider command. */
export type DeciderCommandOptions = Pick<HandleOptions, 'expectedVersions' | 'idempotency'>;

/**
 * A command for the CommandBus that runs through the one generic command path: subclass it per
 * use case (a class and a `toDomainCommand`, nothing else) and send it with
 * `commandBus.execute(...)`; no handler class and no registration are needed. Nest finds a
 * command's handler by metadata it reads along the prototype chain, so every subclass reaches
 * `DeciderCommandBusHandler`, while its own class name still names it (logs, metrics).
 */
export abstract class DeciderCommand<
  State,
  DomainCommand extends { type: string },
  E extends Event,
> extends Command<CommandResult<State, E>> {
  protected constructor(
    readonly decider: Decider<State, DomainCommand, E>,
    /** Leave out to start a new stream under a fresh id (nothing is loaded for it). */
    readonly streamId: string | undefined,
    readonly options: DeciderCommandOptions = {},
  ) {
    super();
  }

  /** The decider's command; its `type` names the command in the events' metadata. */
  abstract toDomainCommand(input: DomainCommandInput): DomainCommand;
}

type AnyDeciderCommand = DeciderCommand<unknown, { type: string }, Event>;

/** Runs every `DeciderCommand` sent through the CommandBus on `DeciderCommandHandler`. */
@Injectable()
@CommandHandler(DeciderCommand)
export class DeciderCommandBusHandler implements ICommandHandler<AnyDeciderCommand> {
  constructor(
    private readonly commands: DeciderCommandHandler,
    private readonly environment: CommandEnvironment,
  ) {}

  execute(command: AnyDeciderCommand): Promise<CommandResult<unknown, Event>> {
    const streamId = command.streamId ?? this.environment.newId();
    const domainCommand = command.toDomainCommand({ streamId, now: this.environment.now() });
    return this.commands.handle(command.decider, streamId, domainCommand, {
      ...command.options,
      newStream: command.streamId === undefined,
      metadata: this.environment.metadata(domainCommand.type),
    });
  }
}
