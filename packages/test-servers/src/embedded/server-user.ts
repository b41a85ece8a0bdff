import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { TestServerError } from '../errors.js';

const run = promisify(execFile);

/** The unprivileged account the server runs as when this process is root (Postgres refuses root). */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

async function lookup(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * `undefined` when this process is not root (the server runs as us). As root: the `name` account
 * (default `postgres`; MariaDB uses `mysql`), created as a system user without a home folder or
 * login shell where it is missing. `program` names the server in the error message.
 */
export async function resolveServerUser(name = 'postgres', program = 'Postgres'): Promise<ServerUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookup(name);
  if (existing) return existing;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  } catch (cause) {
    throw new TestServerError(
      `${program} refuses to run as root and there is no "${name}" user to run it as; creating one with useradd failed. ` +
        `Create it yourself (useradd --system --user-group ${name}) or run as an unprivileged user.`,
      'NO_SERVER_USER',
      { cause },
    );
  }
  const created = await lookup(name);
  if (!created) throw new TestServerError(`Created the user "${name}" but cannot look it up.`, 'NO_SERVER_USER');
  return created;
}

/** Whether `user` can enter and write `dir` (every parent folder must be searchable by it). */
export function reachableBy(user: ServerUser, dir: string): boolean {
  const result = spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return result.status === 0;
}
