import type { Express, Request, Response, NextFunction } from 'express';
import express5 from 'express';
import express4 from 'express4';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fixtureProject as createFixture, schemaFor, USER_MODELS, EVENT_MODELS } from '@kusto/test-servers/prisma-fixtures';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Both Express majors: every middleware suite runs on each. */
export const EXPRESS_VERSIONS = [
  ['express 5', express5],
  ['express 4', express4],
] as const;

export type ExpressFactory = typeof express5;

/** The toolkit's two-database layout: `user` and `temporary`, with generated clients. */
export function twoDatabaseProject(): Promise<string> {
  return createFixture({
    packageDir,
    databases: { user: schemaFor('postgresql', USER_MODELS), temporary: schemaFor('postgresql', EVENT_MODELS) },
  });
}

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `app` on a free loopback port. */
export async function serve(app: Express): Promise<RunningApp> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The last handler of every test app: unhandled errors become 500 `{ unhandled: message }`. */
export function finalErrorHandler(error: Error, _req: Request, res: Response, next: NextFunction): void {
  void next;
  res.status(500).json({ unhandled: error.message });
}

/**
 * How many health checks ran in `database`, counted by pg_stat_statements: `SELECT 1`, or a
 * primary's read-only probe (`SELECT current_setting('transaction_read_only')`, normalised to `$1`).
 */
export async function countSelectOne(adminUrl: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ calls: string | null }>(
      `SELECT sum(calls) AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1 AND s.query IN ('SELECT 1', 'SELECT $1', 'SELECT current_setting($1) AS read_only')`,
      [database],
    );
    return Number(result.rows[0]?.calls ?? 0);
  } finally {
    await client.end();
  }
}

export async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Minimal Prometheus text-format parser: every non-comment line must be `name{labels} value`. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.eE+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}
