import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { ProjectionAdmin } from '../projections/projection-admin';
import type { DeadLetter, ProjectionStatus, RebuildResult } from '../projections/projection-admin';

/** Resolves providers from the booted application (Nest's `get`). */
export type AppLookup = { get<T>(token: abstract new (...args: never[]) => T): T };

/** Runs `work` inside the booted application and prints its result; provided by the CLI. */
export type RunWithApp = <T>(
  work: (app: AppLookup) => Promise<T>,
  print: (result: T, json: boolean) => string,
) => Promise<void>;

/** Where the progress bar goes: a terminal redraws it in place, anything else gets lines. */
export type ProgressOutput = { write(text: string): void; isTTY: boolean };

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 10_000) {
    throw new InvalidArgumentError('it must be an integer from 1 to 10000.');
  }
  return parsed;
}

/** `projections status | dead-letters | resume | rebuild`, for any module's projections. */
export function registerProjectionCommands(
  program: Command,
  run: RunWithApp,
  progress: ProgressOutput,
): void {
  const projections = program
    .command('projections')
    .description('Inspect, resume and rebuild projections and subscriptions.');

  projections
    .command('status')
    .description('Show each projection with its checkpoint, lag and dead letters.')
    .action(() =>
      run(
        async (app) => {
          const admin = app.get(ProjectionAdmin);
          return { projections: await admin.status(), deadLetters: await admin.deadLetters() };
        },
        (result, json) =>
          json
            ? JSON.stringify(result, null, 2)
            : [statusTable(result.projections), ...deadLetterLines(result.deadLetters)].join('\n'),
      ),
    );

  projections
    .command('dead-letters')
    .description('List the events that stopped a subscription, with their errors.')
    .argument('[name]', 'only this projection')
    .action((name: string | undefined) =>
      run(
        (app) => app.get(ProjectionAdmin).deadLetters(name),
        (letters, json) =>
          json
            ? JSON.stringify(letters, null, 2)
            : letters.length === 0
              ? 'No dead letters.'
              : deadLetterLines(letters).join('\n'),
      ),
    );

  projections
    .command('resume')
    .description('Let a parked subscription run again: retry the parked event, or skip it.')
    .argument('<name>', 'the subscription')
    .option('--skip', 'move past the parked event instead of retrying it')
    .action((name: string, options: { skip?: boolean }) =>
      run(
        async (app) => {
          await app.get(ProjectionAdmin).resume(name, { skip: options.skip === true });
          return { name, resumed: true, skipped: options.skip === true };
        },
        (result, json) =>
          json
            ? JSON.stringify(result)
            : `Resumed ${result.name}${result.skipped ? ' (parked event skipped)' : ''}.`,
      ),
    );

  projections
    .command('rebuild')
    .description(
      'Rebuild a projection from the whole log into shadow tables, then swap them in. ' +
        'Resumes an interrupted rebuild.',
    )
    .argument('<name>', 'the projection (see projections status)')
    .option('--restart', 'start over instead of resuming an interrupted rebuild')
    .option('--batch-size <n>', 'events per transaction (1..10000)', positiveInteger, 500)
    .action((name: string, options: { restart?: boolean; batchSize: number }) =>
      run(
        async (app) => {
          const bar = new SingleBar({
            stream: progressStream(progress),
            format: `${name} [{bar}] {value}/{total} events | {rate} events/s | {duration}s`,
            noTTYOutput: true,
            notTTYSchedule: 2000,
            hideCursor: progress.isTTY,
            barsize: 30,
          });
          let started = false;
          try {
            return await app.get(ProjectionAdmin).rebuild(name, {
              restart: options.restart === true,
              batchSize: options.batchSize,
              onProgress: ({ processed, total, eventsPerSecond }) => {
                if (!started) {
                  bar.start(total, processed, { rate: eventsPerSecond });
                  started = true;
                }
                bar.setTotal(total);
                bar.update(processed, { rate: eventsPerSecond });
              },
            });
          } finally {
            bar.stop();
          }
        },
        (result: RebuildResult, json) =>
          json
            ? JSON.stringify({ name, ...result })
            : `Rebuilt ${name}${result.resumed ? ' (resumed)' : ''}: ${result.processed} events in ` +
              `${result.seconds.toFixed(1)} s.`,
      ),
    );
}

function progressStream(output: ProgressOutput): NodeJS.WritableStream {
  // cli-progress only needs write() and isTTY; readline's cursor helpers write escape codes.
  return {
    isTTY: output.isTTY,
    columns: 100,
    write: (text: string | Uint8Array) => {
      output.write(typeof text === 'string' ? text : Buffer.from(text).toString());
      return true;
    },
  } as unknown as NodeJS.WritableStream;
}

function statusTable(statuses: readonly ProjectionStatus[]): string {
  const header = ['NAME', 'KIND', 'STATE', 'CHECKPOINT', 'HEAD', 'LAG', 'DEAD LETTERS', 'REBUILD'];
  const rows = statuses.map((s) => [
    s.name,
    s.kind,
    s.state,
    String(s.checkpoint),
    String(s.head),
    String(s.lag),
    String(s.deadLetters),
    s.rebuild ? `${s.rebuild.eventsProcessed} events so far (resumable)` : '-',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function deadLetterLines(letters: readonly DeadLetter[]): string[] {
  if (letters.length === 0) return [];
  return [
    '',
    'Dead letters:',
    ...letters.map(
      (letter) =>
        `  ${letter.projection} #${letter.globalPosition} ${letter.eventType} ${letter.eventId} ` +
        `(tenant ${letter.tenant}, stream ${letter.streamId}, ${letter.attempts} attempts): ${letter.error}`,
    ),
  ];
}
