import fs from 'node:fs';
import { TestServerError } from '../errors.js';

/** Every process whose parent chain leads to `pid` (Linux `/proc`), children before grandchildren. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone while we read.
    }
  }
  const found: number[] = [];
  let level = [pid];
  while (level.length > 0) {
    level = [...parents].filter(([, parent]) => level.includes(parent)).map(([child]) => child);
    found.push(...level);
  }
  return found;
}

/**
 * Sends `signal` to `pid` and every process under it: `SIGSTOP` freezes a server with all its
 * workers (Postgres forks a backend per connection), `SIGCONT` thaws them. A frozen server keeps
 * its sockets open and the kernel keeps accepting connections into its backlog, but nothing answers.
 */
export function signalProcessTree(pid: number, signal: 'SIGSTOP' | 'SIGCONT'): void {
  for (const target of [pid, ...descendantsOf(pid)]) {
    try {
      process.kill(target, signal);
    } catch {
      // A worker that ended meanwhile.
    }
  }
}

/** Freezes one server process tree and remembers it, so `thaw()` knows what to let run again. */
export class ProcessFreezer {
  #frozen: number | undefined;

  /** SIGSTOP to `pid` and its workers; rejects when there is no process (the server is stopped). */
  freeze(pid: number | undefined): Promise<void> {
    if (pid === undefined) return Promise.reject(new TestServerError('The server is not running; start() it before freeze().', 'NOT_RUNNING'));
    signalProcessTree(pid, 'SIGSTOP');
    this.#frozen = pid;
    return Promise.resolve();
  }

  /** SIGCONT to what `freeze()` stopped; nothing when nothing is frozen. */
  thaw(): Promise<void> {
    if (this.#frozen !== undefined) signalProcessTree(this.#frozen, 'SIGCONT');
    this.#frozen = undefined;
    return Promise.resolve();
  }
}
