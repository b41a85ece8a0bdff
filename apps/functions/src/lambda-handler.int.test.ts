import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bundleAlone } from './test-support/deploy.js';
import { kitsByDatabase, SERVER_DATABASES, startFunctionDatabases, type FunctionDatabases, type ServerDatabase } from './test-support/databases.js';

// A Lambda-style handler from the esbuild bundle, loaded once by a stand-in runtime process and
// invoked many times in it, the process frozen (SIGSTOP) and thawed between invocations while the
// database restarts, as Lambda freezes a function between invocations: every invocation answers
// (200, or 503 while the server is down), none hangs or throws, and it recovers.

const RUNTIME = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-support', 'lambda-runtime.mjs');
const kits = await kitsByDatabase();
let databases: FunctionDatabases;
let runtime: ChildProcessWithoutNullStreams | undefined;

interface Invocation {
  readonly statusCode: number;
  readonly body: string;
}

beforeAll(async () => {
  databases = await startFunctionDatabases('lambda');
}, 120_000);

afterAll(async () => {
  if (runtime && runtime.exitCode === null) {
    runtime.kill('SIGCONT');
    runtime.kill('SIGKILL');
  }
  await databases?.close();
});

/** Starts the stand-in runtime on the bundled handler with the function platform's variables. */
async function startRuntime(handlerFile: string): Promise<(database: string) => Promise<Invocation>> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('RDS_')));
  const child = spawn(process.execPath, [RUNTIME, handlerFile], {
    cwd: path.dirname(handlerFile),
    env: { ...inherited, ...databases.env, AWS_LAMBDA_FUNCTION_NAME: 'kusto-test', LAMBDA_TASK_ROOT: path.dirname(handlerFile) },
  });
  runtime = child;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: AsyncIterator<string> = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const line: IteratorResult<string, unknown> = await lines.next();
    clearTimeout(timer);
    if (line.done) throw new Error(`the runtime ended (${child.exitCode ?? child.signalCode}): ${stderr}`);
    return line.value;
  };
  expect(await next()).toBe('ready');
  return async (database) => {
    child.stdin.write(`invoke ${database}\n`);
    return JSON.parse(await next()) as Invocation;
  };
}

function freeze(): void {
  runtime!.kill('SIGSTOP');
}

function thaw(): void {
  runtime!.kill('SIGCONT');
}

describe.each(['esm', 'cjs'] as const)('a bundled handler (%s) invoked many times in one process', (format) => {
  let invoke: (database: string) => Promise<Invocation>;

  beforeAll(async () => {
    invoke = await startRuntime(await bundleAlone('handler', format));
  }, 60_000);

  afterAll(() => {
    runtime?.kill('SIGCONT');
    runtime?.kill('SIGKILL');
  });

  test('answers on SQLite, frozen and thawed between invocations', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await invoke('cache')).statusCode).toBe(200);
      freeze();
      thaw();
    }
  });

  for (const name of Object.keys(SERVER_DATABASES) as ServerDatabase[]) {
    const kit = kits[name];
    const testOn = kit?.available ? test : test.skip;
    const skipped = kit?.available ? '' : ` (skipped: ${kit?.reason ?? 'no server kit'})`;
    testOn(`${name} (${SERVER_DATABASES[name]}): frozen while the server restarts and while it is down, every invocation answers${skipped}`, async () => {
      const server = databases.servers[name]!;
      expect((await invoke(name)).statusCode).toBe(200);

      // Frozen across a whole restart: the pooled connections died while the process slept.
      freeze();
      await server.restart();
      thaw();
      const afterRestart: number[] = [];
      for (let i = 0; i < 40 && afterRestart.at(-1) !== 200; i++) afterRestart.push((await invoke(name)).statusCode);
      expect(afterRestart.filter((code) => code !== 200 && code !== 503)).toEqual([]);
      expect(afterRestart.at(-1)).toBe(200);

      // Frozen, the server stops; thawed, every invocation answers 503 at once; frozen again, it starts.
      freeze();
      await server.stop();
      thaw();
      for (let i = 0; i < 3; i++) expect((await invoke(name)).statusCode).toBe(503);
      freeze();
      await server.start();
      thaw();
      const recovered: number[] = [];
      for (let i = 0; i < 40 && recovered.at(-1) !== 200; i++) {
        recovered.push((await invoke(name)).statusCode);
        if (recovered.at(-1) !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(recovered.filter((code) => code !== 200 && code !== 503)).toEqual([]);
      expect(recovered.at(-1)).toBe(200);
    }, 120_000);
  }
});
