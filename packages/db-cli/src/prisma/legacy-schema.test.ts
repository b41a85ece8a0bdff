import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto, startKusto } from '../test-support/spawn-cli.js';

// The seed document's schema, `url = env("RDS_USER_URL")` in its datasource (Prisma 6 style,
// P1012 for Prisma 7), through the real CLI in a child process: generate, validate and studio work
// on it as it stands, warn once, and the client is the one the upgraded schema generates.

const LEGACY = schemaFor('postgresql', USER_MODELS, '\n  url      = env("RDS_USER_URL")');
let project: string;
const dir = (...parts: string[]) => path.join(project, 'src/app/db/user', ...parts);
const env = () => baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, RDS_USER_URL: 'postgresql://app:s3cret-pw@127.0.0.1:1/user' });

/** Every file under `root`, relative path → bytes. */
async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, file), await fs.readFile(file));
  }
  return files;
}

beforeAll(async () => {
  project = await createProject('legacy-schema', { user: { 'schema.prisma': LEGACY } });
});
afterAll(() => removeProject(project));

test('generate works on it as it stands, warns once, and leaves schema.prisma untouched', async () => {
  const run = await runKusto(project, ['generate', '-a'], env());
  expect(run.exitCode).toBe(0);
  expect(run.stderr.match(/Prisma 6 style url/g)).toHaveLength(1);
  expect(run.stderr).toContain('Run kusto-db upgrade-schema -d user to move it out for good.');
  expect(run.stdout).toMatch(/✔ user generate ok/);
  expect(await fs.readFile(dir('schema.prisma'), 'utf8')).toBe(LEGACY);
  expect(await fs.readdir(dir())).toEqual(expect.arrayContaining(['client', 'schema.prisma']));
  expect(await fs.readdir(dir())).not.toContain('prisma.config.ts');
  expect(run.text).not.toContain('s3cret-pw');
}, 60_000);

test('the generated client is byte-identical to the upgraded schema\'s, and names no temp dir', async () => {
  const fromLegacy = await snapshot(dir('client'));
  const client = [...fromLegacy.values()].map((bytes) => bytes.toString('latin1')).join('\n');
  expect(client).not.toContain('kusto-db-schema-');
  expect(client).not.toContain(os.tmpdir() + path.sep);
  expect(client).not.toContain('s3cret-pw');

  const upgrade = await runKusto(project, ['upgrade-schema', '-d', 'user'], env());
  expect(upgrade.exitCode).toBe(0);
  await fs.rm(dir('client'), { recursive: true });
  const regenerated = await runKusto(project, ['generate', '-d', 'user', '--force'], env());
  expect(regenerated.exitCode).toBe(0);
  expect(regenerated.stderr).not.toContain('Prisma 6 style url');
  const fromUpgraded = await snapshot(dir('client'));
  expect([...fromLegacy.keys()].sort()).toEqual([...fromUpgraded.keys()].sort());
  expect(regenerated.stdout).toMatch(/✔ user generate ok/);
  for (const [file, bytes] of fromLegacy) expect({ file, same: bytes.equals(fromUpgraded.get(file)!) }).toEqual({ file, same: true });

  // Back to the seed document's schema for the tests below.
  await fs.rm(dir('prisma.config.ts'));
  await fs.writeFile(dir('schema.prisma'), LEGACY);
}, 90_000);

test('validate passes with the warning; list flags the schema', async () => {
  const validate = await runKusto(project, ['validate', '-d', 'user'], env());
  expect(validate.exitCode).toBe(0);
  expect(validate.stderr.match(/Prisma 6 style url/g)).toHaveLength(1);
  expect(validate.stdout).toMatch(/✔ user validate ok/);

  const list = await runKusto(project, ['list'], env());
  expect(list.stdout).toContain(
    '! user: schema.prisma has url = env("RDS_USER_URL") (Prisma 6 style, rejected by Prisma 7; generate, validate and studio work around it): kusto-db upgrade-schema -d user',
  );
  const json = JSON.parse((await runKusto(project, ['list', '--json'], env())).stdout) as { databases: { legacyUrlEnv: string | null }[] };
  expect(json.databases[0]!.legacyUrlEnv).toBe('RDS_USER_URL');
}, 60_000);

test('studio starts on it as it stands (Prisma gets the copy), then stops on Ctrl+C', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const child = startKusto(project, ['studio', '-d', 'user', '--browser', 'none', '--port', String(port)], env());
  let text = '';
  const started = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 45_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(`Prisma Studio is running at: http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ok = await started;
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
  expect(text).not.toContain('P1012');
  expect(text.match(/Prisma 6 style url/g)).toHaveLength(1);
  expect(ok).toBe(true);
}, 60_000);
