import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reachableBy, resolveServerUser, type ServerUser } from '../embedded/server-user.js';
import { TestServerError } from '../errors.js';
import { ProcessFreezer } from '../programs/freeze.js';
import { startOnFreePort } from '../start-on-free-port.js';
import { OutputTail } from '../output-tail.js';
import { waitUntilMariaDbReady, withMariaDbConnection } from './admin.js';
import type { MariaDbBackend } from './backend.js';
import type { MariaDbPrograms } from './binary.js';

const HOST = '127.0.0.1';
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];
/** Time SIGTERM (a normal shutdown: sessions are closed) gets before SIGKILL. */
const STOP_GRACE_MS = 15_000;

export interface LocalMariaDbOptions {
  readonly programs: MariaDbPrograms;
  readonly port: number | undefined;
  readonly user: string;
  readonly password: string;
  readonly maxConnections: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly readyTimeoutMs: number;
  readonly onLog: ((line: string) => void) | undefined;
}

/** Server options for throw-away test data: small, fast, no durability. */
const TEST_SETTINGS: Readonly<Record<string, string>> = {
  'innodb-buffer-pool-size': '64M',
  'innodb-log-file-size': '8M',
  'innodb-flush-log-at-trx-commit': '0',
  'character-set-server': 'utf8mb4',
  'collation-server': 'utf8mb4_unicode_ci',
};

function asUser(user: ServerUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

function settingArgs(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).map(([name, value]) => `--${name}=${value}`);
}

/** Runs a program to completion, its output kept for the error message. */
async function runToEnd(binary: string, args: string[], options: { runAs?: ServerUser; onLog: LocalMariaDbOptions['onLog'] }) {
  const output = new OutputTail(options.onLog);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], ...asUser(options.runAs) });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { code, output: output.toString() };
}

/**
 * Debian's `mariadbd` run by this process: `mariadb-install-db` creates a data dir under the OS
 * temp dir, the server listens on a loopback port only (and a socket in that folder), as the
 * `mysql` user when we are root (mariadbd refuses root). The root account gets a random password
 * and the handle's account is created with every privilege. Stopped with SIGTERM (a normal
 * shutdown that closes every session), killed and its folder removed when this process exits.
 */
export class LocalMariaDb implements MariaDbBackend {
  readonly kind = 'binary' as const;
  readonly host = HOST;
  private child: ChildProcess | undefined;
  private readonly freezer = new ProcessFreezer();
  private exited: Promise<void> | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');
  private readonly removeDirOnExit = () => rmSync(this.dir, { recursive: true, force: true });

  private constructor(
    readonly port: number,
    readonly user: string,
    readonly password: string,
    readonly dir: string,
    private readonly serverUser: ServerUser | undefined,
    private readonly options: LocalMariaDbOptions,
  ) {
    process.on('exit', this.removeDirOnExit);
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Creates the data dir, starts the server and sets up its accounts. */
  static async create(options: LocalMariaDbOptions): Promise<LocalMariaDb> {
    const serverUser = await resolveServerUser('mysql', 'MariaDB');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-mariadb-'));
    try {
      await prepareDataDir(dir, serverUser, options);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    try {
      return await startOnFreePort({ port: options.port, host: HOST, portTaken: /already in use|Can't start server: Bind/i }, async (port) => {
        const server = new LocalMariaDb(port, options.user, options.password, dir, serverUser, options);
        try {
          await server.spawnAndWait({ user: 'root', password: '' });
          await server.createAccounts();
          return server;
        } catch (error) {
          // The data dir is kept for the next attempt; removed below when there is none.
          await server.stop();
          process.off('exit', server.removeDirOnExit);
          throw error;
        }
      });
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The fresh data dir's root has no password over TCP: give it a random one, and create our account. */
  private async createAccounts(): Promise<void> {
    const rootPassword = randomBytes(12).toString('hex');
    await withMariaDbConnection({ host: HOST, port: this.port, user: 'root', password: '' }, async (connection) => {
      await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [this.user, '%', this.password]);
      await connection.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [this.user, '%']);
      const roots = await connection.query<{ host: string }[]>("SELECT Host AS host FROM mysql.user WHERE User = 'root'");
      for (const { host } of roots) {
        // Entries for the machine's host name cannot be altered with name resolution off; nothing needs them.
        if (LOOPBACK_HOSTS.includes(host)) await connection.query('ALTER USER ?@? IDENTIFIED BY ?', ['root', host, rootPassword]);
        else await connection.query('DROP USER ?@?', ['root', host]);
      }
    });
  }

  async start(): Promise<void> {
    if (this.child) return;
    await this.spawnAndWait({ user: this.user, password: this.password });
  }

  private async spawnAndWait(login: { user: string; password: string }): Promise<void> {
    const { programs, maxConnections, settings } = this.options;
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--tmpdir=${tmpDirOf(this.dir)}`,
      `--port=${this.port}`,
      `--bind-address=${HOST}`,
      `--socket=${path.join(this.dir, 'mariadb.sock')}`,
      `--pid-file=${path.join(this.dir, 'mariadb.pid')}`,
      '--skip-name-resolve',
      `--max-connections=${maxConnections}`,
      ...settingArgs({ ...TEST_SETTINGS, ...settings }),
    ];
    const output = new OutputTail(this.options.onLog);
    let failure: Error | undefined;
    const child = spawn(programs.mariadbd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...asUser(this.serverUser) });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    this.exited = new Promise<void>((resolve) => {
      const done = () => {
        if (this.child === child) {
          this.child = undefined;
          process.off('exit', this.killOnExit);
        }
        resolve();
      };
      child.once('error', (error) => {
        const as = this.serverUser ? ` as the "${this.serverUser.name}" user` : '';
        failure ??= new TestServerError(`Could not run MariaDB (${programs.mariadbd}${as}): ${error.message}`, 'START_FAILED', {
          cause: error,
        });
        if (child.pid === undefined) done();
      });
      child.once('exit', done);
    });
    child.once('close', (code, signal) => {
      failure ??= new TestServerError(
        `MariaDB exited (code ${code}, signal ${signal}) before accepting connections on ${HOST}:${this.port}. ` +
          `Its output ends with:\n${output.toString() || '(no output)'}`,
        'START_FAILED',
      );
    });
    this.child = child;
    process.on('exit', this.killOnExit);
    try {
      await waitUntilMariaDbReady(
        { host: HOST, port: this.port, ...login },
        { timeoutMs: this.options.readyTimeoutMs, failed: () => failure },
      );
    } catch (error) {
      await this.stop();
      if (error instanceof TestServerError) throw error;
      throw new TestServerError(
        `MariaDB on ${HOST}:${this.port} did not answer within ${this.options.readyTimeoutMs} ms (${(error as Error).message}). ` +
          `Its output ends with:\n${output.toString() || '(no output)'}`,
        'START_FAILED',
        { cause: error },
      );
    }
  }

  /** SIGSTOP to the server and every process under it (see {@link ServerBackend.freeze}). */
  freeze(): Promise<void> {
    return this.freezer.freeze(this.child?.pid);
  }

  thaw(): Promise<void> {
    return this.freezer.thaw();
  }

  /** A normal shutdown (SIGTERM): every session is closed; resolves once the port refuses connections. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // A frozen process would not see the signal until thawed.
    await this.thaw();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
    process.off('exit', this.removeDirOnExit);
  }
}

async function prepareDataDir(dir: string, serverUser: ServerUser | undefined, options: LocalMariaDbOptions): Promise<void> {
  if (serverUser) {
    await fs.chown(dir, serverUser.uid, serverUser.gid);
    if (!reachableBy(serverUser, dir)) {
      throw new TestServerError(
        `The temp folder ${dir} is out of reach of the "${serverUser.name}" user that runs MariaDB ` +
          '(a parent folder is not searchable by it). Set TMPDIR to a folder it can reach, e.g. /tmp.',
        'DATA_DIR_UNREACHABLE',
      );
    }
  }
  // A temp dir of its own: a starting mariadbd deletes every `#sql…` file in its temp dir (what a
  // crash would have left), which in a shared /tmp are the temp tables of the other servers running
  // there, an install's among them ("Could not remove temporary table", then "Unknown table
  // 'mysql.tmp_proxies_priv'" when two test packages start servers at once).
  const tmpDir = tmpDirOf(dir);
  await fs.mkdir(tmpDir, { mode: 0o700 });
  if (serverUser) await fs.chown(tmpDir, serverUser.uid, serverUser.gid);
  const args = [
    '--no-defaults',
    `--datadir=${path.join(dir, 'data')}`,
    `--tmpdir=${tmpDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...(serverUser ? [`--user=${serverUser.name}`] : []),
    ...settingArgs({ ...TEST_SETTINGS, ...options.settings }),
  ];
  let result: { code: number | null; output: string };
  try {
    result = await runToEnd(options.programs.installDb, args, { onLog: options.onLog });
  } catch (cause) {
    throw new TestServerError(`Could not run ${options.programs.installDb}: ${String(cause)}`, 'INITDB_FAILED', { cause });
  }
  if (result.code !== 0) {
    throw new TestServerError(
      `${options.programs.installDb} failed (exit ${result.code}) for ${dir}:\n${result.output || '(no output)'}`,
      'INITDB_FAILED',
    );
  }
}

/** The server's own temp dir, beside its data dir. */
function tmpDirOf(dir: string): string {
  return path.join(dir, 'tmp');
}
