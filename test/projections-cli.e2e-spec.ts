import { runCli } from '../src/cli-program';
import { createScratchDatabase } from './support/database';

type Run = { code: number; stdout: string; stderr: string };

describe('projections CLI (e2e, on a database of its own)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    scratch = await createScratchDatabase('projections_cli');
  });

  afterAll(() => scratch?.drop());

  async function cli(...args: string[]): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      env: { DATABASE_URL: scratch.url },
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  }

  it('shows status and lag, rebuilds with a progress bar, and reports dead letters', async () => {
    for (const title of ['One', 'Two', 'Three']) expect((await cli('create', title)).code).toBe(0);

    // The CLI runs no subscription workers, so the activity subscription has not started here.
    const status = await cli('projections', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^NAME\s+KIND\s+STATE\s+CHECKPOINT\s+HEAD\s+LAG/);
    expect(status.stdout).toMatch(/todo_read_views\s+inline\s+running\s+3\s+3\s+0/);
    expect(status.stdout).toMatch(/activity\s+subscription\s+not started\s+0\s+3\s+3/);

    const rebuilt = await cli('projections', 'rebuild', 'todo_read_views', '--batch-size', '2');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^Rebuilt todo_read_views: 3 events in \d+\.\d s\.\n$/);
    expect(rebuilt.stderr).toMatch(/todo_read_views \[.*\] 3\/3 events \| \d+ events\/s/);

    const activity = await cli('--json', 'projections', 'rebuild', 'activity');
    expect(JSON.parse(activity.stdout)).toMatchObject({ name: 'activity', processed: 3 });
    const json = await cli('--json', 'projections', 'status');
    const parsed = JSON.parse(json.stdout) as {
      projections: { name: string; state: string; lag: number }[];
      deadLetters: unknown[];
    };
    expect(parsed.projections.find((p) => p.name === 'activity')).toMatchObject({
      state: 'running',
      lag: 0,
    });
    expect(parsed.deadLetters).toEqual([]);

    expect((await cli('projections', 'dead-letters')).stdout).toBe('No dead letters.\n');
    const list = await cli('list');
    expect(list.stdout).toContain('Three');
  });

  it.each([
    [
      ['projections', 'rebuild', 'nope'],
      /^error: PROJECTION_NOT_FOUND: No projection named "nope"/,
    ],
    [['projections', 'resume', 'activity'], /^error: PROJECTION_NOT_PARKED/],
    [['projections', 'resume', 'todo_read_views'], /^error: PROJECTION_NOT_FOUND/],
    [['projections', 'rebuild', 'activity', '--batch-size', '0'], /integer from 1 to 10000/],
  ])('fails with a message for %j', async (args, message) => {
    const run = await cli(...args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it.each(['status', 'rebuild', 'resume', 'dead-letters'])('has --help for %s', async (command) => {
    const run = await cli('projections', command, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: todo projections ${command}`);
  });
});
