import { spawn } from 'node:child_process';
import readline from 'node:readline';

/** Another process holding a SQLite database locked (`BEGIN EXCLUSIVE`) until `release()`. */
export interface SqliteLockHolder {
  readonly pid: number;
  /** Ends its transaction (`ROLLBACK`) and waits until it says so; the process then exits. */
  release(): Promise<void>;
  /** Kills the process (safe after `release()`); the lock goes with it. */
  stop(): Promise<void>;
}

// Reads commands on stdin; answers each with one line, so the test waits on what happened.
const HOLDER_SCRIPT = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { fileMustExist: true });
db.exec('BEGIN EXCLUSIVE');
console.log('locked');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'release') { db.exec('ROLLBACK'); db.close(); console.log('released'); process.exit(0); }
});
`;

/**
 * Starts a `node` process that opens `file` with better-sqlite3 (`betterSqlite3`: the module's
 * resolved path, from the calling package) and holds `BEGIN EXCLUSIVE` on it; resolves once the
 * lock is held.
 */
export async function holdSqliteLock(file: string, betterSqlite3: string): Promise<SqliteLockHolder> {
  const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT, betterSqlite3, file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = (expected: string) =>
    new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        if (line !== expected) return;
        lines.off('line', onLine);
        resolve();
      };
      lines.on('line', onLine);
      void exited.then(() => reject(new Error(`The SQLite lock holder exited before saying "${expected}": ${stderr}`)));
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    await nextLine('locked');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    async release() {
      const released = nextLine('released');
      child.stdin.write('release\n');
      await released;
    },
    stop,
  };
}
