import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KustoDb } from '@kusto/db';
import type { ReadinessGate } from '../health/readiness-gate.js';

/** The part of `process` shutdown needs, injectable for tests. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface GracefulShutdownOptions {
  /** Closed the moment shutdown starts, so readiness answers 503. Default: none. */
  readonly readiness?: ReadinessGate;
  /** Disconnected last, once HTTP is done. Default: none (pass `kusto.db` to close its pools). */
  readonly manager?: KustoDb;
  /** Signals that start shutdown. Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Keep serving this long after readiness flips, so load balancers notice. Default 5 000 ms. */
  readonly drainDelayMs?: number;
  /** Let in-flight requests finish for this long, then close their connections. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
  /** Where signals come from. Default `process`. */
  readonly signalSource?: SignalSource;
}

export const SHUTDOWN_DEFAULTS = { signals: ['SIGTERM', 'SIGINT'], drainDelayMs: 5_000, timeoutMs: 10_000 } as const;

export interface GracefulShutdown {
  /** Starts shutdown (as a signal would); the same promise for every call. */
  shutdown(reason?: string): Promise<void>;
  /** Settles when shutdown has finished. */
  readonly done: Promise<void>;
  /** Removes the signal listeners (shutdown can still be started by hand). */
  uninstall(): void;
}

/**
 * On SIGTERM/SIGINT: readiness 503 at once, wait `drainDelayMs`, stop accepting connections, let
 * in-flight requests finish up to `timeoutMs`, then `disconnectAll()`. Nothing calls
 * `process.exit`: with the server and pools closed the process exits by itself, with code 0.
 */
export function installGracefulShutdown(server: Server, options: GracefulShutdownOptions = {}): GracefulShutdown {
  const signals = options.signals ?? SHUTDOWN_DEFAULTS.signals;
  const source = options.signalSource ?? process;
  const log = options.log ?? (() => undefined);
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let started: Promise<void> | undefined;
  let closing = false;

  // A keep-alive connection turns idle when its in-flight response ends; once the server is
  // closing, close it then rather than leaving it open until the timeout.
  const onRequest = (_req: unknown, res: ServerResponse) => {
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  };
  server.on('request', onRequest);

  const closeServer = async (timeoutMs: number) => {
    closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      log(`in-flight requests still running after ${timeoutMs} ms: closing their connections`);
      server.closeAllConnections();
    }, timeoutMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
      server.off('request', onRequest);
    }
  };

  const run = async (reason: string) => {
    log(`${reason}: shutting down`);
    options.readiness?.close(reason);
    await sleep(options.drainDelayMs ?? SHUTDOWN_DEFAULTS.drainDelayMs);
    await closeServer(options.timeoutMs ?? SHUTDOWN_DEFAULTS.timeoutMs);
    log('HTTP server closed');
    await options.manager?.disconnectAll();
    log('database connections closed');
  };

  const listeners = signals.map((signal) => {
    const listener = () => void shutdown(signal);
    source.once(signal, listener);
    return [signal, listener] as const;
  });

  function uninstall() {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  }

  function shutdown(reason = 'shutdown requested'): Promise<void> {
    if (!started) {
      uninstall();
      started = run(reason).then(resolveDone, (error: unknown) => {
        rejectDone(error);
        throw error;
      });
    }
    return started;
  }

  return { shutdown, done, uninstall };
}
