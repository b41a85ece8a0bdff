import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import type { ServerUser } from '../embedded/server-user.js';
import { TestServerError } from '../errors.js';
import { OutputTail } from '../output-tail.js';

/** Time SIGTERM (PgBouncer's immediate shutdown) gets before SIGKILL. */
const STOP_GRACE_MS = 5_000;

export interface PgBouncerProcessOptions {
  readonly binary: string;
  readonly iniFile: string;
  readonly pidFile: string;
  /** Working folder (our temp dir). */
  readonly cwd: string;
  /** The unprivileged account to run as when we are root (PgBouncer refuses root). */
  readonly runAs: ServerUser | undefined;
  /** Where it listens, for messages. */
  readonly address: string;
  readonly readyTimeoutMs: number;
  /** Resolves once PgBouncer answers; rejects early with `failed()` when the process died. */
  readonly waitReady: (failed: () => Error | undefined) => Promise<void>;
  readonly onLog: ((line: string) => void) | undefined;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/**
 * One `pgbouncer` program in the foreground: spawned as `runAs`, its output kept for error
 * messages, stopped with SIGTERM (immediate shutdown: client and server connections are closed
 * at once; SIGINT would wait for open transactions), and killed when this process exits.
 */
export class PgBouncerProcess {
  private current: Running | undefined;
  private starting: Promise<void> | undefined;
  private readonly killOnExit = () => this.current?.child.kill('SIGTERM');

  constructor(private readonly options: PgBouncerProcessOptions) {}

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Spawns it and resolves once it answers; calls while a start is under way share that start. */
  start(): Promise<void> {
    this.starting ??= this.spawnAndWait().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async spawnAndWait(): Promise<void> {
    if (this.current) return;
    const { binary, runAs, address } = this.options;
    // A pidfile left by a killed PgBouncer whose pid was reused would make it refuse to start.
    await fs.rm(this.options.pidFile, { force: true });
    const output = new OutputTail(this.options.onLog);
    let failure: Error | undefined;
    const child = spawn(binary, [this.options.iniFile], {
      cwd: this.options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    const exited = new Promise<void>((resolve) => {
      const done = () => {
        if (this.current?.child === child) {
          this.current = undefined;
          process.off('exit', this.killOnExit);
        }
        resolve();
      };
      child.once('error', (error) => {
        const as = runAs ? ` as the "${runAs.name}" user` : '';
        failure ??= new TestServerError(`Could not run PgBouncer (${binary}${as}): ${error.message}`, 'START_FAILED', {
          cause: error,
        });
        if (child.pid === undefined) done();
      });
      child.once('exit', done);
    });
    child.once('close', (code, signal) => {
      failure ??= new TestServerError(
        `PgBouncer exited (code ${code}, signal ${signal}) before accepting connections on ${address}. Its output ends with:\n${output.toString() || '(no output)'}`,
        'START_FAILED',
      );
    });
    this.current = { child, exited };
    process.on('exit', this.killOnExit);
    try {
      await this.options.waitReady(() => failure);
    } catch (error) {
      await this.stop();
      if (error instanceof TestServerError) throw error;
      throw new TestServerError(
        `PgBouncer on ${address} did not answer within ${this.options.readyTimeoutMs} ms (${(error as Error).message}). ` +
          `Its output ends with:\n${output.toString() || '(no output)'}`,
        'START_FAILED',
        { cause: error },
      );
    }
  }

  /** Immediate shutdown; resolves once the process is gone (its port then refuses connections). */
  async stop(): Promise<void> {
    const running = this.current;
    if (!running) return;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await running.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
