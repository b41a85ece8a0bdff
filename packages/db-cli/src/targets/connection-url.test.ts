import { describe, expect, it } from '@jest/globals';
import { MissingUrlError, parseSchema, SessionUnavailableError, type DatabaseFolder } from '@kusto/db';
import { CliError } from '../errors.js';
import type { PoolerProbeResult } from '@kusto/migrate';
import {
  chooseConnectionUrl,
  connectionReport,
  describeVia,
  prismaUrlVars,
  requireConnection,
  verifySessions,
  type ConnectionNeed,
  type ConnectionUrl,
} from './connection-url.js';

const POSTGRES = 'datasource db {\n  provider = "postgresql"\n}\n';
const MYSQL = 'datasource db {\n  provider = "mysql"\n}\n';

function folder(name = 'user', schema = POSTGRES): DatabaseFolder {
  return { name, schema: parseSchema(schema), configUrlEnv: undefined } as DatabaseFolder;
}

const MAIN = 'postgresql://app:main-secret@db.example:5432/user';
const POOLED = 'postgresql://app:pool-secret@bouncer.example:6432/user?pgbouncer=true';
const DIRECT = 'postgresql://app:direct-secret@db.example:5432/user';

/** The kind and variable chosen, or the refusal state. */
function outcome(env: NodeJS.ProcessEnv, need: ConnectionNeed, target = folder()): string {
  const choice = chooseConnectionUrl(target, env, need);
  return choice.state === 'chosen' ? `${choice.connection.kind} ${choice.connection.envVar}${choice.connection.needsProbe ? ' (probe)' : ''}` : choice.state;
}

describe('chooseConnectionUrl', () => {
  it('session work (deploy, rollback, Prisma migrate): the direct URL when set, whatever the main URL is', () => {
    for (const main of [undefined, MAIN, POOLED]) {
      expect(outcome({ RDS_USER_URL: main, RDS_USER_DIRECT_URL: DIRECT }, 'session')).toBe('direct RDS_USER_DIRECT_URL');
    }
  });

  it('session work on the main URL alone: refused with the pooler flag, else it must pass the probe first', () => {
    expect(outcome({ RDS_USER_URL: POOLED }, 'session')).toBe('pooled');
    expect(outcome({ RDS_USER_URL: POOLED.replace('true', '1') }, 'session')).toBe('pooled');
    expect(outcome({ RDS_USER_URL: MAIN }, 'session')).toBe('main RDS_USER_URL (probe)');
    expect(outcome({ RDS_USER_URL: MAIN.replace('5432/user', '5432/user?pgbouncer=false') }, 'session')).toBe('main RDS_USER_URL (probe)');
  });

  it('the refusal names the database, the variable with the flag and the direct variable to set, never the URL', () => {
    const choice = chooseConnectionUrl(folder(), { RDS_USER_URL: POOLED }, 'session');
    expect(choice).toEqual({ state: 'pooled', problem: new SessionUnavailableError('user', 'RDS_USER_URL', 'RDS_USER_DIRECT_URL').message });
    const { problem } = choice as { problem: string };
    expect(problem).toMatch(/Database "user" .*RDS_USER_URL has pgbouncer=true.*Set RDS_USER_DIRECT_URL/);
    expect(problem).not.toContain('pool-secret');
  });

  it('a direct URL that itself carries the pooler flag cannot serve session work', () => {
    const choice = chooseConnectionUrl(folder(), { RDS_USER_URL: MAIN, RDS_USER_DIRECT_URL: POOLED }, 'session');
    expect(choice).toEqual({ state: 'pooled', problem: expect.stringMatching(/RDS_USER_DIRECT_URL has pgbouncer=true.*Point RDS_USER_DIRECT_URL at the server itself/) });
    expect(outcome({ RDS_USER_URL: MAIN, RDS_USER_DIRECT_URL: POOLED }, 'preferDirect')).toBe('direct RDS_USER_DIRECT_URL');
  });

  it('preferDirect (status, execute --write, pull, push, studio): the direct URL when set, else the main one, pooled or not, never probed', () => {
    expect(outcome({ RDS_USER_URL: POOLED, RDS_USER_DIRECT_URL: DIRECT }, 'preferDirect')).toBe('direct RDS_USER_DIRECT_URL');
    expect(outcome({ RDS_USER_URL: POOLED }, 'preferDirect')).toBe('main RDS_USER_URL');
    expect(outcome({ RDS_USER_URL: MAIN }, 'preferDirect')).toBe('main RDS_USER_URL');
    expect(outcome({ RDS_USER_DIRECT_URL: DIRECT }, 'preferDirect')).toBe('direct RDS_USER_DIRECT_URL');
  });

  it('main (read-only execute, seed): the main URL, as the app connects', () => {
    expect(outcome({ RDS_USER_URL: POOLED, RDS_USER_DIRECT_URL: DIRECT }, 'main')).toBe('main RDS_USER_URL');
    expect(outcome({ RDS_USER_DIRECT_URL: DIRECT }, 'main')).toBe('missing');
  });

  it('no URL: names the main variable, and the direct one where it would be used', () => {
    expect(chooseConnectionUrl(folder(), {}, 'main')).toEqual({ state: 'missing', problem: 'Database "user" has no URL: set the environment variable RDS_USER_URL.' });
    expect(chooseConnectionUrl(folder(), { RDS_USER_URL: '', RDS_USER_DIRECT_URL: '' }, 'session')).toEqual({
      state: 'missing',
      problem: 'Database "user" has no URL: set the environment variable RDS_USER_URL (or RDS_USER_DIRECT_URL, which this command uses first).',
    });
  });

  it('the probe is for Postgres only', () => {
    expect(outcome({ RDS_SHOP_URL: 'mysql://app:pw@db/shop' }, 'session', folder('shop', MYSQL))).toBe('main RDS_SHOP_URL');
  });

  it('reports which URL was used by variable, and the target redacted', () => {
    const choice = chooseConnectionUrl(folder(), { RDS_USER_URL: POOLED, RDS_USER_DIRECT_URL: DIRECT }, 'session');
    const connection = (choice as { connection: ConnectionUrl }).connection;
    expect(describeVia(connection)).toBe('via RDS_USER_DIRECT_URL');
    expect(connectionReport(connection)).toEqual({ envVar: 'RDS_USER_DIRECT_URL', kind: 'direct', target: 'postgresql://db.example:5432/user' });
    expect(prismaUrlVars(connection)).toEqual({ envVar: 'RDS_USER_URL', directEnvVar: 'RDS_USER_DIRECT_URL' });
    const main = chooseConnectionUrl(folder(), { RDS_USER_URL: MAIN }, 'preferDirect') as { connection: ConnectionUrl };
    expect(prismaUrlVars(main.connection)).toEqual({ envVar: 'RDS_USER_URL' });
  });
});

/** A probe that answers `verdict` and records the URLs it was asked about. */
function fakeProbe(verdict: PoolerProbeResult['verdict'], reason = 'a reason', connected = true) {
  const asked: string[] = [];
  return {
    asked,
    probe: (url: string) => {
      asked.push(url);
      return Promise.resolve<PoolerProbeResult>({ verdict, reason, connected, rounds: [], durationMs: 1 });
    },
  };
}

function connectionFor(env: NodeJS.ProcessEnv, need: ConnectionNeed): ConnectionUrl {
  return (chooseConnectionUrl(folder(), env, need) as { connection: ConnectionUrl }).connection;
}

describe('verifySessions', () => {
  it('probes only session work on a main URL without the flag', async () => {
    const { asked, probe } = fakeProbe('direct');
    const warnings: string[] = [];
    const connections = [
      connectionFor({ RDS_USER_URL: MAIN }, 'session'),
      connectionFor({ RDS_USER_URL: MAIN, RDS_USER_DIRECT_URL: DIRECT }, 'session'),
      connectionFor({ RDS_USER_URL: MAIN }, 'preferDirect'),
    ];
    expect(await verifySessions(connections, probe, (line) => warnings.push(line))).toEqual([]);
    expect(asked).toEqual([MAIN]);
    expect(warnings).toEqual([]);
  });

  it('a pooler found by the probe is refused: the evidence, the direct variable to set, and the flag that skips the probe', async () => {
    const { probe } = fakeProbe('transactionPooler', 'a second connection was served by the first one\'s server process (pid 7)');
    const [problem] = await verifySessions([connectionFor({ RDS_USER_URL: MAIN }, 'session')], probe, () => undefined);
    expect(problem).toBe(
      'Database "user": RDS_USER_URL goes through a transaction pooler (a second connection was served by the first one\'s server process (pid 7)), ' +
        'where a session does not outlive one transaction and the migration lock (a session advisory lock) would not hold. ' +
        'Set RDS_USER_DIRECT_URL to a URL that reaches the server directly, and add pgbouncer=true to RDS_USER_URL to skip this probe.',
    );
  });

  it('a probe that cannot decide is a warning, and the run goes on', async () => {
    const { probe } = fakeProbe('undecided', 'no answer within 5000 ms');
    const warnings: string[] = [];
    expect(await verifySessions([connectionFor({ RDS_USER_URL: MAIN }, 'session')], probe, (line) => warnings.push(line))).toEqual([]);
    expect(warnings).toEqual([
      'user: could not tell whether RDS_USER_URL goes through a transaction pooler (no answer within 5000 ms); going on. ' +
        'Set RDS_USER_DIRECT_URL to skip this check, or add pgbouncer=true to RDS_USER_URL if it is a transaction pooler.',
    ]);
  });
});

describe('verifySessions when the probe could not connect', () => {
  it('says nothing about poolers: the server is down or refused the login, and the command itself reports that next', async () => {
    const { asked, probe } = fakeProbe('undecided', 'password authentication failed for user "u"', false);
    const warnings: string[] = [];
    expect(await verifySessions([connectionFor({ RDS_USER_URL: MAIN }, 'session')], probe, (line) => warnings.push(line))).toEqual([]);
    expect(asked).toEqual([MAIN]);
    expect(warnings).toEqual([]);
  });
});

describe('requireConnection (Prisma-run commands)', () => {
  const context = (env: NodeJS.ProcessEnv, probe = fakeProbe('direct').probe) => ({
    env,
    io: { out: () => undefined, err: () => undefined },
    colors: false,
    poolerProbe: probe,
  });

  it('no URL at all is MissingUrlError naming the main variable', async () => {
    await expect(requireConnection(folder(), context({}), 'session')).rejects.toBeInstanceOf(MissingUrlError);
  });

  it('the pooler flag alone refuses session work before the probe or Prisma runs', async () => {
    const { asked, probe } = fakeProbe('direct');
    const refusal = requireConnection(folder(), context({ RDS_USER_URL: POOLED }, probe), 'session');
    await expect(refusal).rejects.toBeInstanceOf(CliError);
    await expect(refusal).rejects.toMatchObject({ code: 'PRECHECK_FAILED', message: expect.stringMatching(/Set RDS_USER_DIRECT_URL.*\nNothing was run\.$/s) });
    expect(asked).toEqual([]);
  });

  it('a pooler found by the probe refuses too', async () => {
    await expect(requireConnection(folder(), context({ RDS_USER_URL: MAIN }, fakeProbe('transactionPooler').probe), 'session')).rejects.toMatchObject({
      code: 'PRECHECK_FAILED',
      message: expect.stringContaining('RDS_USER_URL goes through a transaction pooler'),
    });
  });

  it('the direct URL when set', async () => {
    expect(await requireConnection(folder(), context({ RDS_USER_URL: POOLED, RDS_USER_DIRECT_URL: DIRECT }), 'session')).toMatchObject({
      kind: 'direct',
      envVar: 'RDS_USER_DIRECT_URL',
    });
  });
});
