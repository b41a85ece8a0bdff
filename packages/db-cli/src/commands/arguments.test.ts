import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli.js';
import { installFakePrisma, readFakePrismaCalls, type FakePrismaCall } from '../test-support/fake-prisma.js';
import { stubPoolerProbe } from '../test-support/pooler-probe.js';
import { capture, createProject, EVENT_MODELS, removeProject, REPLICA_MODELS, schemaFor, USER_MODELS } from '../test-support/project.js';

// Argument resolution for every command without a database: a recording `prisma` package in the
// project shows which database each command picked (cwd, config) and the exact argv Prisma got.

let project: string;
let log: string;
const env = () => ({
  PATH: process.env.PATH,
  FAKE_PRISMA_LOG: log,
  // The fake prisma needs no engine; this tells kusto-db's engine check there is one.
  PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
  RDS_USER_URL: 'postgresql://app:user-secret@db.example:5432/user',
  RDS_ANALYTICS_EVENTS_URL: 'postgresql://app:events-secret@db.example:5432/events',
  RDS_READ_REPLICA_URL: 'postgresql://app:replica-secret@replica.example:5432/user',
});

async function kusto(argv: string[], options: { interactive?: boolean; answers?: string[]; extraEnv?: Record<string, string> } = {}) {
  const output = capture();
  const answers = [...(options.answers ?? [])];
  const exitCode = await runCli(argv, {
    cwd: project,
    env: { ...env(), ...options.extraEnv },
    io: output.io,
    interactive: options.interactive ?? false,
    prompt: () => Promise.resolve(answers.shift()),
    poolerProbe: stubPoolerProbe(),
  });
  return { exitCode, ...output, calls: readFakePrismaCalls(log) };
}

const databaseOf = (call: FakePrismaCall) => path.basename(call.cwd);
const prismaArgs = (call: FakePrismaCall) => call.argv.slice(0, call.argv.indexOf('--config'));

beforeAll(async () => {
  project = await createProject('arguments', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    analyticsEvents: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
    'read-replica': {
      'schema.prisma': schemaFor('postgresql', REPLICA_MODELS),
      'prisma.config.ts': "export default { schema: './schema.prisma', datasource: { url: process.env['RDS_READ_REPLICA_URL'] } };\n",
    },
    notes: { 'README.md': 'not a database' },
  });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));
beforeEach(() => {
  fs.rmSync(log, { force: true });
  // The fake's generate writes a client; without this a later generate would skip it as up to date.
  for (const name of ['user', 'analyticsEvents', 'read-replica']) fs.rmSync(path.join(project, 'src/app/db', name, 'client'), { recursive: true, force: true });
});

describe('read-only commands default to every database', () => {
  test.each([
    ['generate', ['generate']],
    ['validate', ['validate']],
  ])('%s runs Prisma once per database, each in its own folder with its own config', async (command, expected) => {
    const { exitCode, calls } = await kusto([command]);
    expect(exitCode).toBe(0);
    expect(calls.map(databaseOf).sort()).toEqual(['analyticsEvents', 'read-replica', 'user']);
    for (const call of calls) expect(prismaArgs(call)).toEqual(expected);
  });

  test('-d picks one database and -a all of them', async () => {
    expect((await kusto(['generate', '-d', 'analyticsEvents'])).calls.map(databaseOf)).toEqual(['analyticsEvents']);
    fs.rmSync(log);
    expect((await kusto(['validate', '-a'])).calls).toHaveLength(3);
  });

  test('a folder with its own prisma.config.ts gets it as --config; the others a synthesised one naming their variable', async () => {
    const { calls } = await kusto(['generate']);
    const replica = calls.find((call) => databaseOf(call) === 'read-replica')!;
    expect(replica.configPath).toBe(path.join(project, 'src/app/db/read-replica/prisma.config.ts'));
    const events = calls.find((call) => databaseOf(call) === 'analyticsEvents')!;
    expect(events.config).toContain('process.env["RDS_ANALYTICS_EVENTS_URL"]');
    expect(events.config).toContain(JSON.stringify(path.join(project, 'src/app/db/analyticsEvents/schema.prisma')));
    expect(events.config).not.toContain('events-secret');
    expect(fs.existsSync(events.configPath!)).toBe(false);
  });

  test('list and debug start no Prisma at all', async () => {
    for (const command of ['list', 'debug', 'version']) {
      const { exitCode, calls } = await kusto([command]);
      expect({ command, exitCode, calls: calls.length }).toEqual({ command, exitCode: 0, calls: 0 });
    }
  });
});

describe('commands for one database', () => {
  test('studio -d passes --port and --browser', async () => {
    const { exitCode, calls } = await kusto(['studio', '-d', 'user', '--port', '5566', '--browser', 'none']);
    expect(exitCode).toBe(0);
    expect(calls.map(prismaArgs)).toEqual([['studio', '--port', '5566', '--browser', 'none']]);
    expect(calls.map(databaseOf)).toEqual(['user']);
  });

  test('migrate -t dev -n diffs for down.sql first, then runs migrate dev --name with the name as one argument', async () => {
    const name = `add "users"; DROP TABLE x; -- it's fine`;
    const { exitCode, calls } = await kusto(['migrate', '-t', 'dev', '-n', name, '-d', 'analyticsEvents', '--create-only']);
    expect(exitCode).toBe(0);
    expect(calls.map(prismaArgs)).toEqual([
      [
        'migrate',
        'diff',
        '--from-schema',
        path.join(project, 'src/app/db/analyticsEvents/schema.prisma'),
        '--to-config-datasource',
        '--script',
        '--output',
        expect.stringMatching(/down\.sql$/),
      ],
      ['migrate', 'dev', '--name', name, '--create-only'],
    ]);
  });

  test('migrate -t diff resolves paths against the project and passes its flags', async () => {
    const { exitCode, calls } = await kusto(['migrate', '-t', 'diff', '-d', 'user', '--from-empty', '--to-schema', 'next.prisma', '--script']);
    expect(exitCode).toBe(0);
    expect(calls.map(prismaArgs)).toEqual([['migrate', 'diff', '--to-schema', path.join(project, 'next.prisma'), '--from-empty', '--script']]);
  });

  test('migrate -t resolve never starts Prisma: the native runner resolves (this database does not answer, so it fails to connect)', async () => {
    const { exitCode, calls, err } = await kusto(['migrate', '-t', 'resolve', '-d', 'user', '--applied', '20250101000000_init']);
    expect(exitCode).toBe(1);
    expect(calls).toEqual([]);
    expect(err.join('\n')).toContain('Could not connect to database "user"');
    expect(err.join('\n')).not.toContain('user-secret');
  });

  test.each([
    [['migrate', '-t', 'reset', '-d', 'user', '--force'], ['migrate', 'reset', '--force']],
    [['pull', '-d', 'user', '--force'], ['db', 'pull']],
    [['push', '-d', 'user', '--force'], ['db', 'push']],
    [['push', '-d', 'user', '--force', '--accept-data-loss'], ['db', 'push', '--accept-data-loss']],
  ])('%j runs %j', async (argv, expected) => {
    const { exitCode, calls } = await kusto(argv);
    expect(exitCode).toBe(0);
    expect(calls.map(prismaArgs)).toEqual([expected]);
    expect(calls.map(databaseOf)).toEqual(['user']);
  });
});

describe('mistakes are one line, before Prisma starts', () => {
  test.each([
    [['studio'], /studio changes one database at a time: name it with -d/],
    [['push', '--force'], /push changes one database at a time/],
    [['pull', '-a', '--force'], /-d <database> or -a, not both|-a is not accepted here/],
    [['migrate', '-t', 'reset', '--force', '-a'], /-a is not accepted here/],
    [['generate', '-d', 'usr'], /Unknown database "usr"\. Known databases: analyticsEvents, read-replica, user/],
    [['generate', '-d', '../user'], /"\.\.\/user" cannot be a database name: it contains a path separator/],
    [['validate', '-d', 'notes'], /notes is not a database folder: no schema\.prisma/],
    [['generate', '-d', 'user', '-a'], /either -d <database> or -a, not both/],
    [['migrate', '-t', 'dev', '-d', 'user'], /needs a migration name: -n <name>/],
    [['migrate', '-t', 'dev', '-d', 'user', '-n', 'x', '--applied', 'y'], /--applied cannot be used with -t dev/],
    [['migrate', '-t', 'resolve', '-d', 'user'], /exactly one of --applied/],
    [['migrate', '-t', 'diff', '-d', 'user', '--script'], /one --from-… and one --to-…/],
    [['migrate', '-t', 'nope', '-d', 'user'], /Invalid values:[\s\S]*type/],
    [['generate', '--root', 'nowhere'], /The database root .*nowhere does not exist/],
    // The native-runner commands: the same checks, before any database is touched or any countdown starts.
    [['migrate', '-t', 'deploy', '-d', 'usr'], /Unknown database "usr"\. Known databases: analyticsEvents, read-replica, user/],
    [['migrate', '-t', 'deploy', '-d', '../x'], /"\.\.\/x" cannot be a database name/],
    [['migrate', '-t', 'deploy', '--wait', '3'], /--wait 3 is shorter than the default 10 s; add --force/],
    [['migrate', '-t', 'deploy', '--json'], /--json cannot be used with -t deploy/],
    [['migrate', '-t', 'status', '--wait', '30'], /--wait cannot be used with -t status/],
    [['status', '-d', 'usr'], /Unknown database "usr"\. Known databases/],
    [['status', '-d', 'notes'], /notes is not a database folder: no schema\.prisma/],
    [['rollback'], /rollback changes one database at a time: name it with -d/],
    [['rollback', '-a', '--dry-run'], /-a is not accepted here/],
    [['rollback', '-d', 'user', '-t', ''], /rollback -t needs a number of steps or a migration name/],
    [['seed', '-d', '../x'], /"\.\.\/x" cannot be a database name/],
    [['execute', '-d', 'user'], /execute needs the SQL: -q <sql> or -f <file>/],
    [['execute', '-d', 'user', '-q', 'SELECT 1', '-q', 'SELECT 2'], /Pass -q or -f once/],
    [['rollback', '-d', 'user', '-t', '1', '-t', '2'], /Pass rollback -t once/],
  ])('%j', async (argv, message) => {
    const { exitCode, err, calls } = await kusto(argv);
    expect(exitCode).toBe(1);
    expect(err.join('\n')).toMatch(message);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
    expect(calls).toEqual([]);
  });

  test.each([['migrate', '-t', 'deploy'], ['status'], ['seed'], ['migrate', '-t', 'deploy', '-a', '--wait', '0', '--force']])(
    '%j: a missing URL variable stops every database before anything runs, and no countdown starts',
    async (...argv) => {
      const { exitCode, err } = await kusto(argv, { extraEnv: { RDS_USER_URL: '' } });
      expect(exitCode).toBe(1);
      // seed only ever uses RDS_USER_URL; deploy and status would use RDS_USER_DIRECT_URL first.
      const or = argv[0] === 'seed' ? '' : ' \\(or RDS_USER_DIRECT_URL, which this command uses first\\)';
      expect(err.join('\n')).toMatch(new RegExp(`^kusto-db: Database "user" has no URL: set the environment variable RDS_USER_URL${or}\\.\\nNothing was run\\.\\nNot set \\(or empty\\) in the environment, and there is no .*\\.env to read it from \\(or pass --env-file <path>\\)\\.$`));
    },
  );

  test.each([['status'], ['execute', '-d', 'user', '-q', 'SELECT 1'], ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force']])(
    '%j: an invalid URL is named before anything connects, without echoing it',
    async (...argv) => {
      const { exitCode, err } = await kusto(argv, { extraEnv: { RDS_USER_URL: 'postgresql//app:hunter2@nowhere' } });
      expect(exitCode).toBe(1);
      expect(err.join('\n')).toMatch(/The URL of database "user" \(from RDS_USER_URL\) is not valid/);
      expect(err.join('\n')).not.toContain('hunter2');
    },
  );

  test('a missing URL variable fails that database before Prisma starts', async () => {
    const { exitCode, err, calls } = await kusto(['push', '-d', 'user', '--force'], { extraEnv: { RDS_USER_URL: '' } });
    expect(exitCode).toBe(1);
    expect(err.join('\n')).toMatch(/set the environment variable RDS_USER_URL/);
    expect(calls).toEqual([]);
  });
});

describe('exit codes', () => {
  test('Prisma failing in one database makes the whole command fail, with a summary saying which', async () => {
    const { exitCode, out, calls } = await kusto(['generate'], { extraEnv: { FAKE_PRISMA_FAIL_IN: 'analyticsEvents' } });
    expect(exitCode).toBe(1);
    expect(calls).toHaveLength(3);
    const summary = out.slice(out.findIndex((line) => /^database\s+result\s+time$/.test(line)));
    expect(summary.filter((line) => /\b(ok|failed)\b/.test(line)).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['analyticsEvents', 'failed'],
      ['read-replica', 'ok'],
      ['user', 'ok'],
    ]);
    expect(out.join('\n')).toMatch(/analyticsEvents generate failed .*: prisma generate exited with 5/);
    expect(out.join('\n')).toContain('    fake prisma generate');
  });

  test('a generate that Prisma reports done but that wrote no client fails, naming the missing file', async () => {
    const { exitCode, out } = await kusto(['generate', '-d', 'user'], { extraEnv: { FAKE_PRISMA_GENERATE_NOTHING: '1' } });
    expect(exitCode).toBe(1);
    expect(out.join('\n')).toMatch(/✖ user generate failed .*: Prisma reported success but client\/index\.js was not written, so the app could not load this client/);
  });

  test("Prisma's exit code reaches the user for single-database commands", async () => {
    const { exitCode } = await kusto(['studio', '-d', 'user'], { extraEnv: { FAKE_PRISMA_EXIT: '7' } });
    expect(exitCode).toBe(7);
  });
});

test('migrate -t deploy --wait abc names what was typed, before any database is touched', async () => {
  const { exitCode, err } = await kusto(['migrate', '-t', 'deploy', '-d', 'user', '--wait', 'abc', '--force']);
  expect(exitCode).toBe(1);
  expect(err.join('\n')).toBe('kusto-db: --wait must be a number of seconds (0 or more), not "abc".');
});
