import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { Event, EventMetadata } from '../core/event';
import { EventStore } from '../core/event-store';
import { InMemoryEventStore } from '../core/in-memory-event-store';
import { DeciderCommandHandler } from './command-handler';
import { CommandEnvironment, DeciderCommand, DeciderCommandBusHandler } from './decider-command';
import type { DeciderCommandOptions, DomainCommandInput } from './decider-command';
import type { Decider } from './decider';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { InMemoryIdempotencyStore } from './idempotency/in-memory-idempotency-store';
import { PreconditionFailedError } from './precondition-failed.error';

type Opened = { type: 'NoteOpened'; data: { noteId: string; at: string } };
type Edited = { type: 'NoteEdited'; data: { text: string } };
type NoteEvent = Opened | Edited;
type NoteCommand =
  | { type: 'OpenNote'; data: { noteId: string; now: Date } }
  | { type: 'EditNote'; data: { text: string } };
type Note = { text: string | null; openedAt: string | null };

const noteDecider: Decider<Note, NoteCommand, NoteEvent> = {
  streamType: 'note',
  initialState: { text: null, openedAt: null },
  evolve: (state, event) =>
    event.type === 'NoteOpened'
      ? { ...state, openedAt: event.data.at }
      : { ...state, text: event.data.text },
  decide: (command) =>
    command.type === 'OpenNote'
      ? [
          {
            type: 'NoteOpened',
            data: { noteId: command.data.noteId, at: command.data.now.toISOString() },
          },
        ]
      : [{ type: 'NoteEdited', data: command.data }],
};

// Two use cases of one aggregate, declared as an application module would: no handler classes.
class OpenNoteCommand extends DeciderCommand<Note, NoteCommand, NoteEvent> {
  constructor(noteId?: string) {
    super(noteDecider, noteId);
  }
  toDomainCommand({ streamId, now }: DomainCommandInput): NoteCommand {
    return { type: 'OpenNote', data: { noteId: streamId, now } };
  }
}

class EditNoteCommand extends DeciderCommand<Note, NoteCommand, NoteEvent> {
  constructor(
    noteId: string,
    readonly text: string,
    options?: DeciderCommandOptions,
  ) {
    super(noteDecider, noteId, options);
  }
  toDomainCommand(): NoteCommand {
    return { type: 'EditNote', data: { text: this.text } };
  }
}

class FixedEnvironment extends CommandEnvironment {
  readonly ids: string[] = [];
  now(): Date {
    return new Date('2026-01-02T03:04:05.000Z');
  }
  newId(): string {
    const id = randomUUID();
    this.ids.push(id);
    return id;
  }
  metadata(commandType: string): EventMetadata {
    return { command: commandType };
  }
}

describe('DeciderCommandBusHandler', () => {
  let bus: CommandBus;
  let store: InMemoryEventStore;
  let environment: FixedEnvironment;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    environment = new FixedEnvironment();
    const app = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [
        DeciderCommandHandler,
        DeciderCommandBusHandler,
        { provide: EventStore, useValue: store },
        { provide: IdempotencyStore, useValue: new InMemoryIdempotencyStore() },
        { provide: CommandEnvironment, useValue: environment },
      ],
    }).compile();
    await app.init();
    bus = app.get(CommandBus);
  });

  it('runs every subclass sent through the bus, with the time and metadata of the environment', async () => {
    const noteId = randomUUID();
    await bus.execute(new OpenNoteCommand(noteId));
    const result = await bus.execute(new EditNoteCommand(noteId, 'milk'));

    expect(result).toMatchObject({
      state: { text: 'milk', openedAt: '2026-01-02T03:04:05.000Z' },
      version: 2,
      replayed: false,
    });
    const events = await store.readStream<Event>(noteId);
    expect(events.map((event) => [event.type, event.metadata])).toEqual([
      ['NoteOpened', { command: 'OpenNote' }],
      ['NoteEdited', { command: 'EditNote' }],
    ]);
  });

  it('starts a new stream under a fresh id when the command names none', async () => {
    const result = await bus.execute(new OpenNoteCommand());

    const [noteId] = environment.ids;
    expect(noteId).toBeDefined();
    expect(result.newEvents).toMatchObject([{ streamId: noteId, data: { noteId } }]);
  });

  it('passes the caller’s expected versions on', async () => {
    const noteId = randomUUID();
    await bus.execute(new OpenNoteCommand(noteId));

    await expect(
      bus.execute(new EditNoteCommand(noteId, 'eggs', { expectedVersions: [7] })),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });
});
