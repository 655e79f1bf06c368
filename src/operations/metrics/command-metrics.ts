import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { ICommand } from '@nestjs/cqrs';
import { MetricsService } from './metrics.service';

/**
 * Times every command sent through the bus. @nestjs/cqrs has no command middleware, so the
 * bus's `execute` is wrapped once, at start-up; handlers and callers stay unaware of it.
 */
@Injectable()
export class CommandMetrics implements OnModuleInit {
  constructor(
    private readonly bus: CommandBus,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const execute: (command: ICommand) => Promise<unknown> = this.bus.execute.bind(this.bus);
    const histogram = this.metrics.commands;
    const timed = async (command: ICommand): Promise<unknown> => {
      const stop = histogram.startTimer({ command: command.constructor.name });
      try {
        const result = await execute(command);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: error instanceof Error ? error.name : 'error' });
        throw error;
      }
    };
    this.bus.execute = timed;
  }
}
