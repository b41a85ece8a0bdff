import { describe, expect, it } from '@jest/globals';
import { parseSchema, type DatabaseFolder } from '@kusto/db';
import { ChecksumMismatchError, ConnectionFailedError, FailedMigrationsPresentError, LockTimeoutError, type PoolerProbeResult } from '@kusto/migrate';
import { capture } from '../test-support/project.js';
import { describeRunnerError, prepareRunnerTargets } from './runner-support.js';

// The checks every runner command passes before touching a database, with the pooler probe
// injected (the real one is exercised in pooler-probe.int.test.ts and pooler.int.test.ts).

function folder(name: string): DatabaseFolder {
  return { name, schema: parseSchema('datasource db {\n  provider = "postgresql"\n}\n'), migrationsDir: `/nowhere/${name}/migrations` } as DatabaseFolder;
}

const URL = (host: string, database: string, flag = false) => `postgresql://app:secret-${database}@${host}:5432/${database}${flag ? '?pgbouncer=true' : ''}`;

function context(env: NodeJS.ProcessEnv, verdicts: Readonly<Record<string, PoolerProbeResult['verdict']>> = {}) {
  const output = capture();
  const probed: string[] = [];
  return {
    output,
    probed,
    context: {
      env,
      io: output.io,
      colors: false,
      poolerProbe: (url: string) => {
        const database = new globalThis.URL(url).pathname.slice(1);
        probed.push(database);
        return Promise.resolve<PoolerProbeResult>({ verdict: verdicts[database] ?? 'direct', reason: 'evidence', connected: true, rounds: [], durationMs: 1 });
      },
    },
  };
}

describe('prepareRunnerTargets', () => {
  it('session work: a pooled-only database stops every database, before any probe, naming each problem', async () => {
    const { context: ctx, probed } = context({ RDS_A_URL: URL('bouncer', 'a', true), RDS_B_URL: URL('db', 'b'), RDS_C_URL: URL('bouncer', 'c', true) });
    const refusal = prepareRunnerTargets([folder('a'), folder('b'), folder('c')], ctx, 'session');
    await expect(refusal).rejects.toMatchObject({ code: 'PRECHECK_FAILED' });
    const message = await refusal.then(
      () => '',
      (error: Error) => error.message,
    );
    const lines = message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Database "a" is reached through a transaction pooler \(the URL from RDS_A_URL has pgbouncer=true\).*Set RDS_A_DIRECT_URL/);
    expect(lines[1]).toMatch(/^Database "c" .*RDS_C_URL.*Set RDS_C_DIRECT_URL/);
    expect(lines[2]).toBe('Nothing was run.');
    expect(message).not.toMatch(/secret-/);
    expect(probed).toEqual([]);
  });

  it('session work: the probe runs on main URLs without the flag only, and a pooler it finds stops everything', async () => {
    const { context: ctx, probed } = context(
      { RDS_A_URL: URL('db', 'a'), RDS_B_URL: URL('bouncer', 'b'), RDS_C_URL: URL('bouncer', 'c', true), RDS_C_DIRECT_URL: URL('db', 'c') },
      { b: 'transactionPooler' },
    );
    const refusal = prepareRunnerTargets([folder('a'), folder('b'), folder('c')], ctx, 'session');
    await expect(refusal).rejects.toMatchObject({
      code: 'PRECHECK_FAILED',
      message:
        'Database "b": RDS_B_URL goes through a transaction pooler (evidence), where a session does not outlive one transaction and the ' +
        'migration lock (a session advisory lock) would not hold. Set RDS_B_DIRECT_URL to a URL that reaches the server directly, and add ' +
        'pgbouncer=true to RDS_B_URL to skip this probe.\nNothing was run.',
    });
    expect(probed.sort()).toEqual(['a', 'b']);
  });

  it('session work: each target carries the URL it will use and where it came from', async () => {
    const { context: ctx } = context({ RDS_A_URL: URL('db', 'a'), RDS_C_URL: URL('bouncer', 'c', true), RDS_C_DIRECT_URL: URL('db', 'c') });
    const targets = await prepareRunnerTargets([folder('a'), folder('c')], ctx, 'session');
    expect(targets.map(({ folder: { name }, envVar, kind, url }) => ({ name, envVar, kind, url }))).toEqual([
      { name: 'a', envVar: 'RDS_A_URL', kind: 'main', url: URL('db', 'a') },
      { name: 'c', envVar: 'RDS_C_DIRECT_URL', kind: 'direct', url: URL('db', 'c') },
    ]);
  });

  it('a probe that cannot decide warns on stderr and lets the run go on', async () => {
    const { context: ctx, output } = context({ RDS_A_URL: URL('db', 'a') }, { a: 'undecided' });
    expect(await prepareRunnerTargets([folder('a')], ctx, 'session')).toHaveLength(1);
    expect(output.err).toEqual([expect.stringMatching(/^! a: could not tell whether RDS_A_URL goes through a transaction pooler \(evidence\); going on\./)]);
  });

  it('status-like work goes through the pooler, never probed; read-only work keeps the main URL', async () => {
    const env = { RDS_A_URL: URL('bouncer', 'a', true), RDS_B_URL: URL('bouncer', 'b', true), RDS_B_DIRECT_URL: URL('db', 'b') };
    const { context: ctx, probed } = context(env);
    const prefer = await prepareRunnerTargets([folder('a'), folder('b')], ctx, 'preferDirect');
    expect(prefer.map((target) => target.envVar)).toEqual(['RDS_A_URL', 'RDS_B_DIRECT_URL']);
    const main = await prepareRunnerTargets([folder('a'), folder('b')], ctx, 'main');
    expect(main.map((target) => target.envVar)).toEqual(['RDS_A_URL', 'RDS_B_URL']);
    expect(probed).toEqual([]);
  });

  it('an invalid direct URL is named by its own variable', async () => {
    const { context: ctx } = context({ RDS_A_URL: URL('db', 'a'), RDS_A_DIRECT_URL: 'mysql://x@y/a' });
    await expect(prepareRunnerTargets([folder('a')], ctx, 'session')).rejects.toMatchObject({ message: expect.stringMatching(/RDS_A_DIRECT_URL.*scheme "mysql:"/s) });
  });
});

describe('describeRunnerError in CLI terms', () => {
  const url = { url: 'postgresql://u:s3cret-pass@h/shop', envVar: 'RDS_SHOP_URL' };
  it('names what the command line offers, never a createMigrator option or method', () => {
    const checksum = describeRunnerError(new ChecksumMismatchError('shop', ['20240101000000_init']), url).join('\n');
    expect(checksum).toBe(
      'Rollback of database "shop" refused, nothing was changed: 20240101000000_init changed on disk since it was applied, so its down.sql ' +
        'may not match the database. Restore the applied migration.sql (e.g. from version control) and run the rollback again.',
    );
    const failed = describeRunnerError(new FailedMigrationsPresentError('shop', ['20240101000000_init']), url).join('\n');
    expect(failed).toContain('(`kusto-db migrate -t resolve -d shop --rolled-back 20240101000000_init`), then deploy again.');
    const lock = describeRunnerError(new LockTimeoutError('shop', 60_000), url).join('\n');
    expect(lock).toMatch(/Wait for it to finish and run again\.$/);
    const login = describeRunnerError(new ConnectionFailedError('shop', 'password authentication failed for user "u"', { cause: Object.assign(new Error('x'), { code: '28P01' }) }), url).join('\n');
    expect(login).toBe('Could not connect to database "shop": password authentication failed for user "u". Check the user and password in RDS_SHOP_URL.');
    const mysqlLogin = describeRunnerError(new ConnectionFailedError('shop', 'Access denied', { cause: Object.assign(new Error('x'), { errno: 1045 }) }), url).join('\n');
    expect(mysqlLogin).toMatch(/Check the user and password in RDS_SHOP_URL\.$/);
    const down = describeRunnerError(new ConnectionFailedError('shop', 'connect ECONNREFUSED 127.0.0.1:5432', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), url).join('\n');
    expect(down).toMatch(/Check that the server runs and that its URL is right\.$/);
    for (const text of [checksum, failed, lock]) expect(text).not.toMatch(/ignoreChecksumMismatch|migrator\.|lockTimeoutMs/);
  });
});
