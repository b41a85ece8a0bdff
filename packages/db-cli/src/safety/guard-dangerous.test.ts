import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import { runCli } from '../cli.js';
import { installFakePrisma, readFakePrismaCalls } from '../test-support/fake-prisma.js';
import { stubPoolerProbe } from '../test-support/pooler-probe.js';
import { capture, createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import type { PromptQuestion } from './prompt.js';

// The guard as every destructive command uses it: -d, terminal or --force, two codes, then Prisma.

const DANGEROUS = ['migrate -t reset', 'pull', 'push'];

let project: string;
let log: string;

async function kusto(
  argv: string[],
  interactive: boolean,
  answer: (code: string) => string | undefined = (code) => code,
  url = 'postgresql://u:p@h/user',
) {
  const output = capture();
  const asked: string[] = [];
  const prompt = (question: PromptQuestion) => {
    const code = /Type (\S+) to/.exec(question.message)![1]!;
    asked.push(code);
    return Promise.resolve(answer(code));
  };
  const exitCode = await runCli(argv, {
    cwd: project,
    env: { PATH: process.env.PATH, FAKE_PRISMA_LOG: log, RDS_USER_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
    io: output.io,
    interactive,
    prompt,
    poolerProbe: stubPoolerProbe(),
  });
  return { exitCode, asked, ran: readFakePrismaCalls(log).length, ...output };
}

beforeAll(async () => {
  project = await createProject('guard', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));
beforeEach(() => fs.rmSync(log, { force: true }));

test.each(DANGEROUS)('%s: both codes typed back runs Prisma once', async (command) => {
  const { exitCode, asked, ran } = await kusto([...command.split(' '), '-d', 'user'], true);
  expect({ exitCode, prompts: asked.length, ran }).toEqual({ exitCode: 0, prompts: 2, ran: 1 });
});

test.each(DANGEROUS)('%s: a wrong code cancels with 130 and Prisma never starts', async (command) => {
  const { exitCode, ran, err } = await kusto([...command.split(' '), '-d', 'user'], true, () => 'ABCD1');
  expect({ exitCode, ran }).toEqual({ exitCode: 130, ran: 0 });
  expect(err.join('\n')).toMatch(/Cancelled: .*Nothing was changed/);
});

test.each(DANGEROUS)('%s: without a terminal it refuses (exit 1) and Prisma never starts', async (command) => {
  const { exitCode, ran, asked, err } = await kusto([...command.split(' '), '-d', 'user'], false);
  expect({ exitCode, ran, prompts: asked.length }).toEqual({ exitCode: 1, ran: 0, prompts: 0 });
  expect(err.join('\n')).toMatch(/without a terminal to confirm it.*--force/);
});

test.each(DANGEROUS)('%s: --force proceeds without a terminal and without prompts', async (command) => {
  const { exitCode, ran, asked } = await kusto([...command.split(' '), '-d', 'user', '--force'], false);
  expect({ exitCode, ran, prompts: asked.length }).toEqual({ exitCode: 0, ran: 1, prompts: 0 });
});

test.each(DANGEROUS)('%s: --force never replaces -d', async (command) => {
  const { exitCode, ran, asked, err } = await kusto([...command.split(' '), '--force'], true);
  expect({ exitCode, ran, prompts: asked.length }).toEqual({ exitCode: 1, ran: 0, prompts: 0 });
  expect(err.join('\n')).toMatch(/one database at a time: name it with -d <database>/);
});

test('a missing URL variable stops a destructive command before any prompt', async () => {
  const output = capture();
  let prompted = false;
  const exitCode = await runCli(['push', '-d', 'user'], {
    cwd: project,
    env: { PATH: process.env.PATH, FAKE_PRISMA_LOG: log, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
    io: output.io,
    interactive: true,
    prompt: () => {
      prompted = true;
      return Promise.resolve(undefined);
    },
  });
  expect({ exitCode, prompted, ran: readFakePrismaCalls(log).length }).toEqual({ exitCode: 1, prompted: false, ran: 0 });
});

test('a transaction pooler alone stops migrate -t reset (it takes the migration lock) before any prompt; push may go on', async () => {
  const pooled = 'postgresql://u:p@bouncer/user?pgbouncer=true';
  const reset = await kusto(['migrate', '-t', 'reset', '-d', 'user'], true, undefined, pooled);
  expect({ exitCode: reset.exitCode, ran: reset.ran, prompts: reset.asked.length }).toEqual({ exitCode: 1, ran: 0, prompts: 0 });
  expect(reset.err.join('\n')).toMatch(/RDS_USER_URL has pgbouncer=true.*Set RDS_USER_DIRECT_URL/s);
  const push = await kusto(['push', '-d', 'user'], true, undefined, pooled);
  expect({ exitCode: push.exitCode, ran: push.ran, prompts: push.asked.length }).toEqual({ exitCode: 0, ran: 1, prompts: 2 });
});

test.each([...DANGEROUS, 'rollback'])(
  '%s: without a terminal it refuses before touching the database (an unreachable one: no probe, no connection error)',
  async (command) => {
    const output = capture();
    const probe = stubPoolerProbe();
    const exitCode = await runCli([...command.split(' '), '-d', 'user'], {
      cwd: project,
      env: { PATH: process.env.PATH, FAKE_PRISMA_LOG: log, RDS_USER_URL: 'postgresql://u:p@127.0.0.1:1/user', PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
      io: output.io,
      interactive: false,
      prompt: () => Promise.reject(new Error('no prompt without a terminal')),
      poolerProbe: probe,
    });
    expect({ exitCode, probed: probe.asked.length, ran: readFakePrismaCalls(log).length }).toEqual({ exitCode: 1, probed: 0, ran: 0 });
    expect(output.err.join('\n')).toBe(
      `kusto-db: Refusing to run kusto-db ${command} -d user without a terminal to confirm it. Run it in a terminal, or add --force if you are sure.`,
    );
  },
);

test.each(DANGEROUS)('%s: without a terminal, a missing schema engine is named first (offline check, no probe), not the terminal refusal', async (command) => {
  const output = capture();
  const probe = stubPoolerProbe();
  const exitCode = await runCli([...command.split(' '), '-d', 'user'], {
    cwd: project,
    env: { PATH: process.env.PATH, FAKE_PRISMA_LOG: log, RDS_USER_URL: 'postgresql://u:p@127.0.0.1:1/user', PRISMA_SCHEMA_ENGINE_BINARY: '/nonexistent/schema-engine' },
    io: output.io,
    interactive: false,
    prompt: () => Promise.reject(new Error('no prompt without a terminal')),
    poolerProbe: probe,
  });
  expect({ exitCode, probed: probe.asked.length, ran: readFakePrismaCalls(log).length }).toEqual({ exitCode: 1, probed: 0, ran: 0 });
  const text = output.err.join('\n');
  expect(text).toMatch(/needs Prisma's schema engine, which is not reachable: PRISMA_SCHEMA_ENGINE_BINARY is set to \/nonexistent\/schema-engine/);
  expect(text).not.toContain('without a terminal');
});
