import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (args: string[]) => promisify(execFile)(process.execPath, args, { cwd: packageDir });

// One child process per module system: the built package as an app would load it.
test('a CommonJS app can require the package (Node >= 20.19 loads ESM through require)', async () => {
  const { stdout } = await run([
    '-e',
    "const e = require('@kusto/express-db'); const express = require('express'); const app = express(); app.use(e.createHealthRouter({ manager: {} })); console.log(Object.keys(e).sort().join(','))",
  ]);
  expect(stdout.trim().split(',')).toEqual(
    expect.arrayContaining(['createDbConnectionMiddleware', 'createDbErrorHandler', 'createHealthRouter', 'installGracefulShutdown']),
  );
});

test('an ESM app can import the package and its metrics entry', async () => {
  const { stdout } = await run([
    '--input-type=module',
    '-e',
    "const e = await import('@kusto/express-db'); const m = await import('@kusto/express-db/metrics'); console.log(typeof e.createDbConnectionMiddleware, typeof m.registerDbMetrics)",
  ]);
  expect(stdout.trim()).toBe('function function');
});
