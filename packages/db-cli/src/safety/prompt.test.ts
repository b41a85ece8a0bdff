import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { installFakePrisma, readFakePrismaCalls } from '../test-support/fake-prisma.js';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, cliArgv } from '../test-support/spawn-cli.js';
import { wrongCodeMessage } from './confirm-dangerous.js';
import { terminalPrompt } from './prompt.js';

// The confirmation prompt on a real terminal: `kusto-db push` in a pseudo-terminal made by
// util-linux `script`, a person typing codes, wrong ones included, and pressing Ctrl+C.

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
let project: string;
let log: string;

beforeAll(async () => {
  project = await createProject('prompt', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** One thing the person does: once the screen (after the previous step) matches `when`, type what `keys` returns. */
interface Step {
  readonly when: RegExp;
  readonly keys: (match: RegExpExecArray) => string;
}

const CTRL_C = '\x03';
const BACKSPACE = '\x7f';

/** Runs kusto-db in a pty and plays `steps` in order, each on what the terminal shows. */
function inTerminal(argv: readonly string[], steps: readonly Step[]): Promise<{ exitCode: number | null; screen: string }> {
  const command = [process.execPath, ...cliArgv(argv)].map(quote).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: project,
    env: baseEnv({ FAKE_PRISMA_LOG: log, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, RDS_USER_URL: 'postgresql://app:pw@127.0.0.1:1/user', TERM: 'xterm' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let next = 0;
  let seenUpTo = 0;
  const onData = (chunk: Buffer) => {
    raw += chunk.toString();
    const step = steps[next];
    if (!step) return;
    // Without the terminal's cursor moves, as a person reads it.
    const screen = stripVTControlCharacters(raw);
    const match = step.when.exec(screen.slice(seenUpTo));
    if (!match) return;
    next++;
    seenUpTo += match.index + match[0].length;
    child.stdin.write(step.keys(match));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, screen: stripVTControlCharacters(raw) });
    }),
  );
}

(hasScript ? describe : describe.skip)('in a terminal (skipped: util-linux script is not installed)', () => {
  test('the root is named before the codes; a wrong code is refused in place with no ✔, and Ctrl+C then cancels with 130; Prisma never runs', async () => {
    const run = await inTerminal(
      ['push', '-d', 'user'],
      [
        { when: /Type (\w{4}) to push database "user"/, keys: () => 'WRONG\r' },
        { when: /That is not (\w{4}): type \1 exactly as shown, or press Ctrl\+C to cancel\./, keys: () => CTRL_C },
      ],
    );
    expect(run.screen).toMatch(/Databases under .*src\/app\/db[\s\S]*⚠️ {2}kusto-db push on database "user"[\s\S]*\(1\/2\) Type \w{4} to push/);
    expect(run.screen).toMatch(/\(1\/2\) Type \w{4} to push database "user" › WRONG/);
    expect(run.screen).not.toContain('✔');
    expect(run.screen).not.toContain('(2/2)');
    expect(run.screen).toContain('kusto-db: Cancelled: nothing was changed.');
    expect(run.exitCode).toBe(130);
    expect(readFakePrismaCalls(log)).toEqual([]);
  }, 60_000);

  test('a wrong code, corrected in place, then the second code: ✔ only for the two right ones, and push runs', async () => {
    let first = '';
    const run = await inTerminal(
      ['push', '-d', 'user'],
      [
        {
          when: /\(1\/2\) Type (\w{4}) to push/,
          keys: (match) => {
            first = match[1]!;
            return 'NOPE\r';
          },
        },
        { when: /That is not \w{4}/, keys: () => `${BACKSPACE.repeat(4)}${first}\r` },
        { when: /\(2\/2\) Type (\w{4}) to push/, keys: (match) => `${match[1]!}\r` },
      ],
    );
    const refusedAt = run.screen.indexOf(wrongCodeMessage(first));
    expect(refusedAt).toBeGreaterThan(0);
    expect(run.screen.slice(0, refusedAt)).not.toContain('✔');
    expect(run.screen.match(/✔ \(\d\/2\) Type \w{4} to push database "user"/g)?.map((line) => line.slice(2, 7))).toEqual(['(1/2)', '(2/2)']);
    expect(run.exitCode).toBe(0);
    expect(readFakePrismaCalls(log).map((call) => call.argv.slice(0, 2))).toEqual([['db', 'push']]);
  }, 60_000);
});

test('terminalPrompt takes an answer validate accepts, refuses others in place, and resolves undefined on Ctrl+C', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const answer = terminalPrompt({ message: 'Type ABCD to go', validate: (typed) => typed === 'ABCD' || 'not ABCD' }, { input, output });
  input.write('ABCX\r');
  await new Promise<void>((resolve) => {
    const refused = () => {
      if (!stripVTControlCharacters(shown).includes('not ABCD')) return;
      output.off('data', refused);
      resolve();
    };
    output.on('data', refused);
  });
  expect(stripVTControlCharacters(shown)).not.toContain('✔');
  input.write(`${BACKSPACE}D\r`);
  expect(await answer).toBe('ABCD');
  const aborted = terminalPrompt({ message: 'again' }, { input, output });
  input.write(CTRL_C);
  expect(await aborted).toBeUndefined();
});
