import type { Socket } from 'node:net';

/** The part of the connector's base connection that the pool's events hand out. */
export interface BaseConnection {
  readonly threadId?: number | null;
  readonly socket?: Socket;
  destroy(): void;
}

/** The part of a `mariadb` pool whose events we listen to. */
export interface PoolEvents {
  on(event: 'connection' | 'acquire' | 'release', listener: (connection: BaseConnection) => void): unknown;
}

/** A pooled connection as callers get it (the connector's promise wrapper hides its socket). */
export interface DestroyableConnection {
  readonly threadId: number | null;
  destroy(): void;
}

/**
 * Closes pooled connections that are busy on a socket nobody answers, without the connector's own
 * `destroy()` path for busy connections: that one opens a new connection to send `KILL <thread>`
 * and leaves the promise of that statement unhandled (`lib/connection.js`, `destroy()`, mariadb
 * 3.4.5), so a thread the server has already ended ("Unknown thread id", 1094) becomes an
 * unhandled rejection, which ends a Node process. Here the socket is destroyed with an error: the
 * connector fails the connection's commands, the pool drops it (its `error` listener), and
 * `destroy()` afterwards only lets the pool forget it.
 *
 * The socket is reachable only through the pool's events, so pools are tracked. The connector's
 * own `pool.end()` destroys connections still in use after 10 s; those destroys are routed here too,
 * with the statement stopped by `stopStatement` (a handled `KILL QUERY` with the current credentials).
 */
export class ConnectionSockets {
  readonly #sockets = new Map<number, Socket>();

  constructor(private readonly stopStatement: (threadId: number) => Promise<void>) {}

  /** Remembers the socket of every connection `pool` opens, while it is open. */
  track(pool: PoolEvents): void {
    const inUse = new WeakSet<BaseConnection>();
    pool.on('acquire', (connection) => inUse.add(connection));
    pool.on('release', (connection) => inUse.delete(connection));
    pool.on('connection', (connection) => {
      const { threadId, socket } = connection;
      if (typeof threadId !== 'number' || socket === undefined) return;
      // The connector removes every listener of a socket it gives up on, so closed ones are pruned here.
      for (const [id, known] of this.#sockets) if (known.destroyed) this.#sockets.delete(id);
      this.#sockets.set(threadId, socket);
      const poolDestroy = connection.destroy.bind(connection);
      Object.assign(connection, {
        destroy: () => {
          // Not cut by us already, and possibly running a statement: the connector's path would be unsafe.
          if (inUse.has(connection) && this.#sockets.get(threadId) === socket && !socket.destroyed) {
            // The connector's own number for a destroyed connection's commands (45004), so callers see a connection failure.
            const message = 'the pool closed this connection while a statement was still running on it (the statement was killed)';
            const reason = Object.assign(new Error(message), { errno: 45004, code: 'ER_CMD_NOT_EXECUTED_DESTROYED', sqlState: 'HY000', sqlMessage: message });
            void Promise.all([this.stopStatement(threadId).catch(() => undefined), this.#cutSocket(threadId, socket, reason)]).finally(poolDestroy);
          } else {
            poolDestroy();
          }
        },
      });
    });
  }

  /** Cuts `connection` off: resolves once the connector has failed its commands and it is out of the pool. */
  async cut(connection: DestroyableConnection, reason: Error): Promise<void> {
    const threadId = connection.threadId;
    const socket = typeof threadId === 'number' ? this.#sockets.get(threadId) : undefined;
    if (socket !== undefined) await this.#cutSocket(threadId!, socket, reason);
    connection.destroy();
  }

  async #cutSocket(threadId: number, socket: Socket, reason: Error): Promise<void> {
    this.#sockets.delete(threadId);
    if (socket.destroyed) return;
    // Ahead of the connector's listener, which removes all listeners; the connector has handled
    // the error once this settles. Bounded in case the socket was already failing.
    const handled = new Promise<void>((resolve) => {
      socket.prependOnceListener('error', () => resolve());
      setTimeout(resolve, CUT_WAIT_MS).unref();
    });
    // With an error, so the connector sees a socket error (a plain destroy emits only `close`).
    socket.destroy(reason);
    await handled;
  }
}

/** How long `cut` waits for the connector to see the socket error before destroying anyway. */
const CUT_WAIT_MS = 1_000;
