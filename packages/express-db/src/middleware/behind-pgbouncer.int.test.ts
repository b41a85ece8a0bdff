import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKustoDb, type KustoDb } from '@kusto/db';
import type { PgBouncer } from '@kusto/test-servers';
import { createTestDatabase, pgbouncerAvailability, startTestPgBouncer, type TestDatabase } from '@kusto/test-servers/testing';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, sql, twoDatabaseProject, type ExpressFactory, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// The app's URL goes through a real PgBouncer (transaction mode), which is stopped and started
// while requests keep coming: what an outage of the pooler looks like over HTTP.

const availability = await pgbouncerAvailability();
const suite = availability.available ? describe.each(EXPRESS_VERSIONS) : describe.skip.each(EXPRESS_VERSIONS);
const skipNote = availability.available ? '' : ` (skipped: ${availability.reason})`;

let project: string;
let user: TestDatabase;
let temporary: TestDatabase;
let bouncer: PgBouncer;

beforeAll(async () => {
  if (!availability.available) return;
  [project, user, temporary] = await Promise.all([twoDatabaseProject(), createTestDatabase('mw_bouncer_user'), createTestDatabase('mw_bouncer_tmp')]);
  await sql(user.url, 'CREATE TABLE "User" (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text)');
  bouncer = await startTestPgBouncer();
}, 60_000);

afterAll(async () => {
  await bouncer?.close();
  await Promise.all([user?.drop(), temporary?.drop()]);
});

interface UserClient {
  user: { findMany(): Promise<unknown[]> };
}

suite(`PgBouncer stopped and started under load on %s${skipNote}`, (_label, express: ExpressFactory) => {
  let manager: KustoDb | undefined;
  let app: RunningApp | undefined;

  afterEach(async () => {
    await app?.close();
    await manager?.disconnectAll();
    if (bouncer.state === 'stopped') await bouncer.start();
  });

  test('every answer is 200 or 503 (never 500), 503s while it is down, 200s again after it starts', async () => {
    manager = createKustoDb({
      cwd: project,
      env: {
        RDS_USER_URL: bouncer.url(user.name, { pgbouncerFlag: true }),
        RDS_TEMPORARY_URL: bouncer.url(temporary.name, { pgbouncerFlag: true }),
      },
      profile: 'traditional',
      checkIntervalMs: 50,
      checkTimeoutMs: 3_000,
      maxRetries: 1,
      retryDelayMs: 10,
      cooldownMs: 200,
    });
    const instance = express();
    instance.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
    instance.get('/users', (req, res, next) => {
      req
        .kusto!.db.getClient('user')
        .then((client) => (client as unknown as UserClient).user.findMany())
        .then((users) => res.json({ users }))
        .catch(next);
    });
    instance.use(createDbErrorHandler({ manager }));
    instance.use(finalErrorHandler);
    app = await serve(instance);
    const url = `${app.url}/users`;

    type Phase = 'before' | 'down' | 'after';
    let phase: Phase = 'before';
    const answers: Record<Phase, { status: number; retryAfter: string | null; body: unknown }[]> = { before: [], down: [], after: [] };
    let running = true;
    const clients = Array.from({ length: 8 }, async () => {
      while (running) {
        const response = await fetch(url);
        // Filed under the phase it ended in: a request in flight when PgBouncer stops counts as "down".
        answers[phase].push({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() });
        if (response.status !== 200) await sleep(10);
      }
    });
    const waitFor = async (what: string, condition: () => boolean) => {
      for (const deadline = Date.now() + 30_000; !condition(); await sleep(20)) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      }
    };
    try {
      await waitFor('answers before the stop', () => answers.before.length >= 40);
      phase = 'down';
      await bouncer.stop();
      await waitFor('a 503 while PgBouncer is down', () => answers.down.some((answer) => answer.status === 503));
      await bouncer.start();
      phase = 'after';
      await waitFor('ten 200s in a row after the start', () => answers.after.length >= 10 && answers.after.slice(-10).every((answer) => answer.status === 200));
    } finally {
      running = false;
      await Promise.all(clients);
    }

    expect(answers.before.map((answer) => answer.status)).toEqual(Array(answers.before.length).fill(200));
    const all = [...answers.before, ...answers.down, ...answers.after];
    expect(all.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
    for (const answer of all.filter(({ status }) => status === 503)) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.body).toMatchObject({ error: 'Database temporarily unavailable' });
    }
    expect(manager.statusOf('user').state).toBe('ready');
  }, 120_000);
});
