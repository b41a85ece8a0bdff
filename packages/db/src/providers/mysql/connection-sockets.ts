import type { Socket } from 'node:net';

/** The part of the connector's base connection that the pool's `connection` event hands out. */
export interface BaseConnection {
  readonly threadId?: number | null;
  readonly socket?: Socket;
}

/** The part of a `mariadb` pool whose events we listen to. */
export interface PoolEvents {
  on(event: 'connection', listener: (connection: BaseConnection) => void): unknown;
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
 * unhandled rejection, which ends a Node process. We stop the statement ourselves (`KILL QUERY`),
 * so here the socket is destroyed with an error: the connector fails the connection's commands,
 * the pool drops it (its `error` listener), and `destroy()` afterwards only lets the pool forget it.
 *
 * The socket is reachable only through the pool's `connection` event, so pools are tracked.
 */
export class ConnectionSockets {
  readonly #sockets = new Map<number, Socket>();

  /** Remembers the socket of every connection `pool` opens, while it is open. */
  track(pool: PoolEvents): void {
    pool.on('connection', (connection) => {
      const { threadId, socket } = connection;
      if (typeof threadId !== 'number' || socket === undefined) return;
      // The connector removes every listener of a socket it gives up on, so closed ones are pruned here.
      for (const [id, known] of this.#sockets) if (known.destroyed) this.#sockets.delete(id);
      this.#sockets.set(threadId, socket);
    });
  }

  /** Cuts `connection` off: resolves once the connector has failed its commands and it is out of the pool. */
  async cut(connection: DestroyableConnection, reason: Error): Promise<void> {
    const threadId = connection.threadId;
    const socket = typeof threadId === 'number' ? this.#sockets.get(threadId) : undefined;
    if (typeof threadId === 'number') this.#sockets.delete(threadId);
    if (socket !== undefined && !socket.destroyed) {
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
    connection.destroy();
  }
}

/** How long `cut` waits for the connector to see the socket error before destroying anyway. */
const CUT_WAIT_MS = 1_000;
