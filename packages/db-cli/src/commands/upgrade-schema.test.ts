import { discoverDatabases, resolveUrlSource } from '@kusto/db';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli.js';
import { capture, createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { removeDatasourceUrl } from './upgrade-schema.js';

let project: string;
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CHECKPOINT_DISABLE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true',
  LEGACY_DATABASE_URL: 'postgresql://app:secret@localhost:5432/legacy',
  RDS_USER_URL: 'postgresql://app:secret@localhost:5432/user',
};
const file = (...parts: string[]) => path.join(project, 'src/app/db', ...parts);

beforeAll(async () => {
  project = await createProject('upgrade', {
    legacy: { 'schema.prisma': schemaFor('postgresql', USER_MODELS, '\n  url      = env("LEGACY_DATABASE_URL") // the old way') },
    literal: { 'schema.prisma': schemaFor('postgresql', USER_MODELS, '\n  url = "postgresql://app:hunter2@db/literal"') },
    configured: {
      'schema.prisma': schemaFor('postgresql', USER_MODELS, '\n  url = env("RDS_CONFIGURED_URL")'),
      'prisma.config.ts': "export default { schema: './schema.prisma' };\n",
    },
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
  });
});
afterAll(() => removeProject(project));

test('removeDatasourceUrl drops only the url line of the datasource block', () => {
  const source = schemaFor('postgresql', USER_MODELS, '\n  url = env("X")');
  expect(removeDatasourceUrl(source)).toBe(schemaFor('postgresql', USER_MODELS));
  expect(removeDatasourceUrl(schemaFor('postgresql', USER_MODELS))).toBeUndefined();
});

test('validate passes a Prisma 6 schema (Prisma validates a copy without the url) and names the fix command', async () => {
  const { io, out, err } = capture();
  expect(await runCli(['validate', '-d', 'legacy', '--verbose'], { cwd: project, env, io })).toBe(0);
  expect(out.join('\n')).toMatch(/! the datasource has a url, which Prisma 7 rejects; move it to prisma\.config\.ts: kusto-db upgrade-schema -d legacy/);
  expect(err.join('\n')).toMatch(/Run kusto-db upgrade-schema -d legacy to move it out for good/);
});

test('validate, generate and list fail or warn on a literal url with advice that works (not upgrade-schema), never echoing it', async () => {
  const fix = 'put that URL in the environment variable RDS_LITERAL_URL (e.g. in .env) and delete the url line from schema.prisma';
  const validation = capture();
  expect(await runCli(['validate', '-d', 'literal'], { cwd: project, env, io: validation.io })).toBe(1);
  const generation = capture();
  expect(await runCli(['generate', '-d', 'literal'], { cwd: project, env, io: generation.io })).toBe(1);
  const listing = capture();
  expect(await runCli(['list', '-d', 'literal'], { cwd: project, env, io: listing.io })).toBe(0);
  for (const text of [validation.text(), generation.text(), listing.text()]) {
    expect(text).toContain(fix);
    expect(text).not.toContain('upgrade-schema');
    expect(text).not.toContain('hunter2');
  }
});

test('upgrade-schema moves url = env("X") into a new prisma.config.ts that reads X; then validate passes', async () => {
  const { io, out } = capture();
  const exitCode = await runCli(['upgrade-schema'], { cwd: project, env, io });
  expect(exitCode).toBe(1);
  expect(fs.readFileSync(file('legacy', 'schema.prisma'), 'utf8')).not.toMatch(/url\s*=/);
  expect(fs.readFileSync(file('legacy', 'prisma.config.ts'), 'utf8')).toContain('process.env["LEGACY_DATABASE_URL"]');
  const text = out.join('\n');
  expect(text).toMatch(/legacy upgrade-schema ok .*wrote prisma\.config\.ts reading LEGACY_DATABASE_URL/);
  // The app keeps reading the same variable: @kusto/db follows the new prisma.config.ts.
  const legacy = discoverDatabases({ cwd: project }).databases.get('legacy')!;
  expect(resolveUrlSource(legacy, undefined, {}).envVar).toBe('LEGACY_DATABASE_URL');
  expect(text).toMatch(/user upgrade-schema ok .*already Prisma 7 style/);
  expect(text).toMatch(/literal upgrade-schema failed .*a literal URL, which upgrade-schema does not write to disk; put that URL in the environment variable RDS_LITERAL_URL/);
  expect(text).not.toContain('hunter2');

  const validation = capture();
  expect(await runCli(['validate', '-d', 'legacy'], { cwd: project, env, io: validation.io })).toBe(0);
}, 60_000);

test('after that run, the literal-URL schema is left alone and got no config', () => {
  expect(fs.readFileSync(file('literal', 'schema.prisma'), 'utf8')).toContain('hunter2');
  expect(fs.existsSync(file('literal', 'prisma.config.ts'))).toBe(false);
});

test('an existing prisma.config.ts without a datasource is not edited; the user is told what to add', async () => {
  const { io, out } = capture();
  expect(await runCli(['upgrade-schema', '-d', 'configured'], { cwd: project, env, io })).toBe(1);
  expect(out.join('\n')).toMatch(/prisma\.config\.ts exists without a datasource; add datasource: \{ url: process\.env\["RDS_CONFIGURED_URL"\] \}/);
  expect(fs.readFileSync(file('configured', 'schema.prisma'), 'utf8')).toContain('env("RDS_CONFIGURED_URL")');
  expect(out.join('\n')).not.toContain('hunter2');
});
