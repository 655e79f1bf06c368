import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startTestApp } from './support/app';
import { testDatabaseUrl } from './support/database';
import {
  checkClaim,
  headingAnchors,
  readShellBlocks,
  relativeLinks,
} from './support/readme-examples';
import type { Example } from './support/readme-examples';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');
const END = '@@readme-example-command-end';
// Read when the file loads, so that each example of the README becomes a test of its own.
const README = readShellBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

type Run = { exitCode: number | null; outputs: string[]; stderr: string };

/**
 * Runs an example's text unchanged in bash, one process per example (each block stands alone, as
 * a reader would paste it). curl reads `CURL_HOME/.curlrc`, which sends `localhost:3000` to the
 * test's port; the CLI gets the test database in `DATABASE_URL`.
 */
function runExample(example: Example, curlHome: string): Promise<Run> {
  const script = [
    'set -euo pipefail',
    ...example.commands.map((command, index) => `${command.text}\nprintf '\\n${END} ${index}\\n'`),
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, CURL_HOME: curlHome, DATABASE_URL: testDatabaseUrl() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const outputs: string[] = [];
      let rest = stdout;
      for (let index = 0; index < example.commands.length; index++) {
        const marker = `\n${END} ${index}\n`;
        const at = rest.indexOf(marker);
        if (at < 0) break;
        outputs.push(rest.slice(0, at));
        rest = rest.slice(at + marker.length);
      }
      resolve({ exitCode, outputs, stderr });
    });
  });
}

/** Every broken claim of a run, with the README line it is written on. */
function failures(example: Example, run: Run): string[] {
  const problems: string[] = [];
  example.commands.forEach((command, index) => {
    const output = run.outputs[index];
    if (output === undefined) {
      if (index === run.outputs.length) {
        problems.push(
          `README line ${command.line}: \`${command.text}\` failed (exit ${run.exitCode}): ${run.stderr.trim()}`,
        );
      }
      return;
    }
    for (const problem of command.claim ? checkClaim(command.claim, output) : []) {
      problems.push(`README line ${command.line}: \`${command.text}\` → ${problem}`);
    }
  });
  return problems;
}

describe('README examples (e2e: bash and curl against the service over HTTP)', () => {
  let app: NestExpressApplication;
  let curlHome: string;

  beforeAll(async () => {
    app = await startTestApp();
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    curlHome = await mkdtemp(path.join(tmpdir(), 'readme-examples-'));
    await writeFile(
      path.join(curlHome, '.curlrc'),
      `connect-to = localhost:3000:127.0.0.1:${port}\n`,
    );
  });

  afterAll(async () => {
    await app?.close();
    if (curlHome) await rm(curlHome, { recursive: true, force: true });
  });

  it('marks every shell block as run or not run (with a reason), and every claim is well-formed', () => {
    expect(README.unmarked).toEqual([]);
    expect(README.malformed).toEqual([]);
    expect(README.examples.map((example) => example.name)).toEqual(
      expect.arrayContaining(['todos', 'safe-writes', 'pages-history', 'activity', 'cli']),
    );
    const names = README.examples.map((example) => example.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // Internals moved from the README to docs/: a link that no longer leads anywhere is a dead end.
  it('has relative links (README and docs/) that lead to a file and, with #, to a heading in it', () => {
    const documents = [
      'README.md',
      ...readdirSync(path.join(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`),
    ];
    const broken: string[] = [];
    for (const document of documents) {
      const file = path.join(ROOT, document);
      for (const link of relativeLinks(readFileSync(file, 'utf8'))) {
        const [target = '', anchor] = link.split('#');
        const linked = target ? path.resolve(path.dirname(file), target) : file;
        if (!existsSync(linked)) broken.push(`${document}: ${link} (no such file)`);
        else if (anchor && !headingAnchors(readFileSync(linked, 'utf8')).has(anchor)) {
          broken.push(`${document}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('catches a claim the service contradicts (the checker is not blind)', async () => {
    const example = readShellBlocks(
      [
        '<!-- example: wrong -->',
        '```sh',
        'curl -si localhost:3000/todos/00000000-0000-4000-8000-000000000000  # → 200, ETag: "1", {"version":1}',
        'curl -s -X POST localhost:3000/todos -H \'Content-Type: application/json\' -d \'{"title":"x"}\'',
        '# → {"title":"y","completed":false}',
        '```',
      ].join('\n'),
    ).examples[0];
    if (!example) throw new Error('the synthetic example was not read');
    const run = await runExample(example, curlHome);
    expect(run.exitCode).toBe(0);
    expect(failures(example, run)).toEqual([
      expect.stringContaining('status 404, not 200'),
      expect.stringContaining('header ETag: "\\"1\\"" not printed'),
      expect.stringContaining('body.version is undefined, not 1'),
      expect.stringContaining('body.title is "x", not "y"'),
    ]);
  });

  it.each(README.examples.map((example) => [example.name, example] as const))(
    'the %s example runs as written and prints what the README claims',
    async (_name, example) => {
      expect(example.commands.some((command) => command.claim)).toBe(true);
      const run = await runExample(example, curlHome);
      expect(failures(example, run)).toEqual([]);
      expect(run.outputs).toHaveLength(example.commands.length);
      expect(run.exitCode).toBe(0);
    },
  );
});
