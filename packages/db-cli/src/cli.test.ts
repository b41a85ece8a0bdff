import { expect, test } from '@jest/globals';
import { requestedCommand, runCli } from './cli.js';
import { BUILTIN_COMMANDS, commandNameOf } from './commands/index.js';
import { capture } from './test-support/project.js';

const COMMAND_NAMES = ['migrate', ...BUILTIN_COMMANDS.commands.map(commandNameOf)];

/** Option lines of a yargs help text: `  -d, --database  Description  [string]`. */
function optionLines(help: string): string[] {
  return help.split('\n').filter((line) => /^\s+(-\w, )?--[\w-]+/.test(line));
}

test('kusto-db --help lists every command and the global options, each with a description', async () => {
  const { io, out } = capture();
  expect(await runCli(['--help'], { io })).toBe(0);
  const help = out.join('\n');
  for (const name of COMMAND_NAMES) expect(help).toMatch(new RegExp(`^  kusto-db ${name}\\b.*\\S{3,}`, 'm'));
  for (const option of ['--database', '--all', '--root', '--cwd']) expect(help).toContain(option);
  for (const line of optionLines(help)) expect(line).toMatch(/--[\w-]+\s{2,}\S+/);
});

test.each(COMMAND_NAMES)('kusto-db %s --help describes every option', async (name) => {
  const { io, out } = capture();
  const argv = name === 'init' ? ['init', '--help'] : [name, '--help'];
  expect(await runCli(argv, { io })).toBe(0);
  const lines = optionLines(out.join('\n'));
  expect(lines.length).toBeGreaterThanOrEqual(5);
  for (const line of lines) expect(line).toMatch(/--[\w-]+\s{2,}[A-Za-z⚠"]/);
});

test('migrate --help groups the options of each -t type', async () => {
  const { io, out } = capture();
  await runCli(['migrate', '--help'], { io });
  const help = out.join('\n');
  for (const type of ['dev', 'reset', 'diff', 'resolve', 'deploy', 'status']) expect(help).toContain(`Options of -t ${type}:`);
  // --force is shared by reset and deploy: declared once, its help naming what it does for each.
  expect(help).toMatch(/--force\s+reset:\s+Skip the confirmation codes[\s\S]*;\s+deploy:\s+allow\s+a\s+--wait\s+shorter/);
  expect(help).toMatch(/-n, --name\s+Name of the new migration/);
  expect(help).toMatch(/--accept-data-loss|--rolled-back/);
});

test('no command is a usage error', async () => {
  const { io, err } = capture();
  expect(await runCli([], { io })).toBe(1);
  expect(err.join('\n')).toMatch(/Name a command/);
});

test('colours are off when NO_COLOR is set or output is not a terminal', async () => {
  const { resolveContext } = await import('./context.js');
  expect(resolveContext({ env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).colors).toBe(false);
  expect(resolveContext({ env: { FORCE_COLOR: '1' } }).colors).toBe(true);
  const { palette } = await import('./output/colors.js');
  expect(palette(false).fail('x')).toBe('x');
});

test('every lazily loaded command has the name it is registered under', async () => {
  for (const entry of BUILTIN_COMMANDS.commands) {
    if (!('load' in entry)) continue;
    expect(commandNameOf(await entry.load())).toBe(entry.name);
  }
});

test('requestedCommand: the first word naming a command, skipping the values of global options', () => {
  const names = new Set(['list', 'migrate', 'seed']);
  expect(requestedCommand(['list'], names)).toBe('list');
  expect(requestedCommand(['-d', 'seed', 'list'], names)).toBe('list');
  expect(requestedCommand(['--cwd', 'list', 'migrate', '-t', 'deploy'], names)).toBe('migrate');
  expect(requestedCommand(['-a', '--root=x', 'seed'], names)).toBe('seed');
  expect(requestedCommand(['--help'], names)).toBeUndefined();
  expect(requestedCommand(['frobnicate', 'list'], names)).toBeUndefined();
});
