import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { sharedServerUrl } from './testing.js';

let proxy: TcpProxy;
let url: string;

beforeAll(async () => {
  const target = new URL(sharedServerUrl());
  proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port) });
  url = proxy.url(target.toString());
});

afterEach(() => proxy.heal());

afterAll(async () => {
  await proxy.close();
});

function client(options: pg.ClientConfig = {}) {
  const c = new pg.Client({ connectionString: url, ...options });
  const errors: Error[] = [];
  c.on('error', (error) => errors.push(error));
  return { c, errors };
}

test('forwards to the server', async () => {
  const { c } = client();
  await c.connect();
  try {
    expect((await c.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
    expect(proxy.connectionCount).toBe(1);
    expect(proxy.acceptedCount).toBeGreaterThanOrEqual(1);
  } finally {
    await c.end();
  }
});

test('blackhole: a new connection is accepted but never answered', async () => {
  proxy.blackhole();
  const { c } = client({ connectionTimeoutMillis: 300 });
  const started = Date.now();
  await expect(c.connect()).rejects.toThrow(/timeout/i);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  expect(proxy.mode).toBe('blackhole');
});

test('blackhole: an open connection stops answering', async () => {
  const { c } = client({ query_timeout: 300 });
  await c.connect();
  try {
    proxy.blackhole();
    await expect(c.query('SELECT 1')).rejects.toThrow(/timeout/i);
  } finally {
    proxy.heal();
    await c.end().catch(() => undefined);
  }
});

test('stall: an open connection stops answering while a new one is forwarded', async () => {
  const stalled = client({ query_timeout: 300 });
  const fresh = client();
  await stalled.c.connect();
  try {
    proxy.stall();
    await expect(stalled.c.query('SELECT 1')).rejects.toThrow(/timeout/i);
    expect(stalled.errors).toEqual([]);
    await fresh.c.connect();
    expect((await fresh.c.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    expect(proxy.mode).toBe('forward');
  } finally {
    proxy.heal();
    await Promise.all([stalled.c.end().catch(() => undefined), fresh.c.end().catch(() => undefined)]);
  }
});

test('stall: the server ending a stalled session does not reach the client (no FIN forwarded)', async () => {
  const stalled = client();
  await stalled.c.connect();
  let closed = false;
  (stalled.c as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream.once('close', () => (closed = true));
  const pid = (await stalled.c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  try {
    proxy.stall();
    const admin = new pg.Client({ connectionString: sharedServerUrl() });
    await admin.connect();
    try {
      expect((await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend($1) AS ended', [pid])).rows).toEqual([{ ended: true }]);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    expect(stalled.errors).toEqual([]);
    proxy.heal();
    for (const deadline = Date.now() + 2_000; !closed && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(true);
  } finally {
    proxy.heal();
    await stalled.c.end().catch(() => undefined);
  }
});

test('cut drops live connections, and heal lets new ones through', async () => {
  const { c } = client();
  await c.connect();
  proxy.cut();
  await expect(c.query('SELECT 1')).rejects.toThrow();
  expect(proxy.connectionCount).toBe(0);

  proxy.heal();
  const { c: next } = client();
  await next.connect();
  try {
    expect((await next.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  } finally {
    await next.end();
  }
});

test('heal after a blackhole drops the held connections so their clients notice', async () => {
  proxy.blackhole();
  const { c } = client({ connectionTimeoutMillis: 5_000 });
  const connecting = c.connect();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(proxy.connectionCount).toBe(1);
  proxy.heal();
  await expect(connecting).rejects.toThrow();
  expect(proxy.connectionCount).toBe(0);
});
