import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { installFakePrisma, readFakePrismaCalls } from '../test-support/fake-prisma.js';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, cliArgv } from '../test-support/spawn-cli.js';
import { terminalPrompt } from './prompt.js';

// The confirmation prompt on a real terminal: `kusto-db push` in a pseudo-terminal made by
// util-linux `script`, a person typing a wrong code.

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
let project: string;
let log: string;

beforeAll(async () => {
  project = await createProject('prompt', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs kusto-db in a pty; `type(screen)` returns what to type once the screen shows a code prompt. */
function inTerminal(argv: readonly string[], type: (code: string) => string): Promise<{ exitCode: number | null; screen: string }> {
  const command = [process.execPath, ...cliArgv(argv)].map(quote).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: project,
    env: baseEnv({ FAKE_PRISMA_LOG: log, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, RDS_USER_URL: 'postgresql://app:pw@127.0.0.1:1/user', TERM: 'xterm' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let answered = 0;
  const onData = (chunk: Buffer) => {
    screen += chunk.toString();
    const prompts = [...screen.matchAll(/Type (\w{4}) to push/g)];
    if (prompts.length > answered) {
      answered = prompts.length;
      child.stdin.write(`${type(prompts.at(-1)![1]!)}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      // Without the terminal's cursor moves, as a person reads it.
      resolve({ exitCode, screen: stripVTControlCharacters(screen) });
    }),
  );
}

(hasScript ? describe : describe.skip)('in a terminal (skipped: util-linux script is not installed)', () => {
  test('a wrong code is echoed as typed, with no ✔, then Cancelled; Prisma never runs', async () => {
    const run = await inTerminal(['push', '-d', 'user'], () => 'WRONG');
    expect(run.screen).toMatch(/\(1\/2\) Type \w{4} to push database "user" › WRONG/);
    expect(run.screen).not.toContain('✔');
    expect(run.screen).toMatch(/kusto-db: Cancelled: "WRONG" is not \w{4}\. Nothing was changed\./);
    expect(run.exitCode).toBe(130);
    expect(readFakePrismaCalls(log)).toEqual([]);
  }, 60_000);

  test('both codes typed back: push runs', async () => {
    const run = await inTerminal(['push', '-d', 'user'], (code) => code);
    expect(run.screen).toMatch(/\(2\/2\) Type \w{4} to push database "user"/);
    expect(run.exitCode).toBe(0);
    expect(readFakePrismaCalls(log).map((call) => call.argv.slice(0, 2))).toEqual([['db', 'push']]);
  }, 60_000);
});

test('terminalPrompt resolves the typed line, and undefined when input ends', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const answer = terminalPrompt({ message: 'Type ABCD to go' }, { input, output });
  input.write('ABCD\n');
  expect(await answer).toBe('ABCD');
  expect(shown).toBe('? Type ABCD to go › ');
  const ended = terminalPrompt({ message: 'again' }, { input, output });
  input.end();
  expect(await ended).toBeUndefined();
});
