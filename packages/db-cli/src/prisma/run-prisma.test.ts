import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { discoverDatabases } from '@kusto/db';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { InterruptSource } from '../context.js';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { runPrisma } from './run-prisma.js';
import type { SpawnFn } from './spawn.js';

let project: string;

interface Spawned {
  command: string;
  args: readonly string[];
  options: SpawnOptions;
  configExisted: boolean;
  child: ChildProcess & EventEmitter;
  killed: NodeJS.Signals[];
}

/** A spawn that records its call and returns a child the test ends by hand. */
function recordingSpawn() {
  const calls: Spawned[] = [];
  let announce: (call: Spawned) => void = () => undefined;
  const first = new Promise<Spawned>((resolve) => (announce = resolve));
  const spawn: SpawnFn = (command, args, options) => {
    const killed: NodeJS.Signals[] = [];
    const child = Object.assign(new EventEmitter(), {
      stdout: null,
      stderr: null,
      kill: (signal: NodeJS.Signals) => killed.push(signal) > 0,
    }) as unknown as ChildProcess & EventEmitter;
    const config = args[args.indexOf('--config') + 1]!;
    const call = { command, args, options, configExisted: fs.existsSync(config), child, killed };
    calls.push(call);
    announce(call);
    return child;
  };
  return { spawn, calls, first };
}

function interrupts() {
  let listener: ((signal: NodeJS.Signals) => void) | undefined;
  const onInterrupt: InterruptSource = (l) => {
    listener = l;
    return () => (listener = undefined);
  };
  return { onInterrupt, fire: (signal: NodeJS.Signals) => listener?.(signal), subscribed: () => listener !== undefined };
}

const folder = () => discoverDatabases({ cwd: project }).databases.get('user')!;

beforeAll(async () => {
  project = await createProject('run-prisma', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
});
afterAll(() => removeProject(project));

test('runs the prisma bin with Node: argv array, no shell, cwd = the database folder, --config last', async () => {
  const { spawn, first } = recordingSpawn();
  const { onInterrupt } = interrupts();
  const env = { RDS_USER_URL: 'postgresql://u:p@h/db' };
  const pending = runPrisma({ folder: folder(), envVar: 'RDS_USER_URL', args: ['migrate', 'dev', '--name', 'a b;"c"'], projectDir: project }, { env, spawn, onInterrupt });
  const call = await first;
  call.child.emit('close', 0, null);
  expect(await pending).toEqual({ exitCode: 0, output: '', interrupted: false });
  expect(call.command).toBe(process.execPath);
  expect(call.args[0]).toMatch(/node_modules\/prisma\/build\/index\.js$/);
  expect(call.args.slice(1, 5)).toEqual(['migrate', 'dev', '--name', 'a b;"c"']);
  expect(call.args[5]).toBe('--config');
  expect(call.options).toMatchObject({ cwd: folder().dir, env, shell: false, stdio: 'inherit' });
  expect(call.configExisted).toBe(true);
  expect(fs.existsSync(call.args[6]!)).toBe(false);
});

test("Prisma's exit code comes back as it is", async () => {
  const { spawn, calls, first } = recordingSpawn();
  const pending = runPrisma({ folder: folder(), envVar: 'X', args: ['validate'], projectDir: project }, { env: {}, spawn, onInterrupt: interrupts().onInterrupt });
  await first;
  calls[0]!.child.emit('close', 17, null);
  expect((await pending).exitCode).toBe(17);
});

test('Ctrl+C is passed on to Prisma, the result is 130, the temp config is removed and the listener dropped', async () => {
  const { spawn, calls, first } = recordingSpawn();
  const signals = interrupts();
  const pending = runPrisma({ folder: folder(), envVar: 'X', args: ['studio'], projectDir: project }, { env: {}, spawn, onInterrupt: signals.onInterrupt });
  await first;
  signals.fire('SIGINT');
  expect(calls[0]!.killed).toEqual(['SIGINT']);
  calls[0]!.child.emit('close', null, 'SIGINT');
  expect(await pending).toMatchObject({ exitCode: 130, interrupted: true });
  expect(fs.existsSync(path.dirname(calls[0]!.args[calls[0]!.args.indexOf('--config') + 1]!))).toBe(false);
  expect(signals.subscribed()).toBe(false);
});

test('a spawn error rejects, and the temp config is still removed', async () => {
  const { spawn, calls, first } = recordingSpawn();
  const pending = runPrisma({ folder: folder(), envVar: 'X', args: ['validate'], projectDir: project }, { env: {}, spawn, onInterrupt: interrupts().onInterrupt });
  await first;
  calls[0]!.child.emit('error', new Error('ENOENT'));
  await expect(pending).rejects.toThrow('ENOENT');
  expect(fs.existsSync(calls[0]!.args[calls[0]!.args.indexOf('--config') + 1]!)).toBe(false);
});

test('directEnvVar: the synthesised config reads the direct variable by name; the environment is passed on unchanged', async () => {
  const { spawn, first } = recordingSpawn();
  const env = { RDS_USER_URL: 'postgresql://u:p@bouncer/db?pgbouncer=true', RDS_USER_DIRECT_URL: 'postgresql://u:p@server/db' };
  let configText = '';
  const recording: SpawnFn = (command, args, options) => {
    configText = fs.readFileSync(args[args.indexOf('--config') + 1]!, 'utf8');
    return spawn(command, args, options);
  };
  const pending = runPrisma(
    { folder: folder(), envVar: 'RDS_USER_URL', directEnvVar: 'RDS_USER_DIRECT_URL', args: ['db', 'pull'], projectDir: project },
    { env, spawn: recording, onInterrupt: interrupts().onInterrupt },
  );
  const call = await first;
  call.child.emit('close', 0, null);
  await pending;
  expect(configText).toContain('url: process.env["RDS_USER_DIRECT_URL"]');
  expect(configText).not.toContain('RDS_USER_URL');
  expect(call.options.env).toBe(env);
});

test("directEnvVar with the folder's own prisma.config.ts: the variable it reads holds the direct URL for this run only", async () => {
  const own = await createProject('run-prisma-own', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS), 'prisma.config.ts': 'export default { datasource: { url: process.env.RDS_USER_URL } };\n' },
  });
  try {
    const { spawn, first } = recordingSpawn();
    const env = { RDS_USER_URL: 'postgresql://u:p@bouncer/db?pgbouncer=true', RDS_USER_DIRECT_URL: 'postgresql://u:p@server/db' };
    const ownFolder = discoverDatabases({ cwd: own }).databases.get('user')!;
    const pending = runPrisma(
      { folder: ownFolder, envVar: 'RDS_USER_URL', directEnvVar: 'RDS_USER_DIRECT_URL', args: ['db', 'pull'], projectDir: own },
      { env, spawn, onInterrupt: interrupts().onInterrupt },
    );
    const call = await first;
    call.child.emit('close', 0, null);
    await pending;
    expect(call.args[call.args.indexOf('--config') + 1]).toBe(ownFolder.prismaConfigPath);
    expect(call.options.env).toMatchObject({ RDS_USER_URL: 'postgresql://u:p@server/db', RDS_USER_DIRECT_URL: 'postgresql://u:p@server/db' });
    expect(env.RDS_USER_URL).toBe('postgresql://u:p@bouncer/db?pgbouncer=true');
  } finally {
    await removeProject(own);
  }
});
