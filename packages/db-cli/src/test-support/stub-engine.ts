import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** One start of the schema engine, as the recording stub saw it. */
export interface EngineCall {
  readonly argv: string[];
  readonly cwd: string;
  /** The first JSON-RPC request line, or null for `cli` sub-commands (which read no stdin). */
  readonly request: { method: string; params: Record<string, unknown> } | null;
}

// Prisma 7 starts the engine as `--datamodels <schema>… --datasource {"url":…}` and speaks
// JSON-RPC over stdin/stdout, after a `--datasource … cli can-connect-to-database` probe.
// The stub says it can connect, records the first request and answers it with an error.
const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const record = (request) =>
  fs.appendFileSync(process.env.STUB_ENGINE_LOG, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), request }) + '\n');
if (process.argv.includes('cli')) {
  record(null);
  process.exit(0);
}
let buffer = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  buffer += chunk;
  const end = buffer.indexOf('\n');
  if (end < 0) return;
  const request = JSON.parse(buffer.slice(0, end));
  record({ method: request.method, params: request.params });
  const error = { is_panic: false, message: 'recording stub engine: no database here', meta: {}, error_code: 'P1001' };
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: 4466, message: 'stub', data: error } }) + '\n');
  setTimeout(() => process.exit(0), 20);
});
process.stdin.on('end', () => process.exit(0));
`;

/** Writes the recording stub engine into `dir`; set `PRISMA_SCHEMA_ENGINE_BINARY` to `binary` and `STUB_ENGINE_LOG` to `log`. */
export async function installStubEngine(dir: string): Promise<{ binary: string; log: string }> {
  const binary = path.join(dir, 'stub-schema-engine.cjs');
  await fs.writeFile(binary, SCRIPT, { mode: 0o755 });
  return { binary, log: path.join(dir, 'stub-engine.log') };
}

export function readEngineCalls(log: string): EngineCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineCall);
}

/** The datasource URL an engine start received through `--datasource`. */
export function datasourceUrlOf(call: EngineCall): string | undefined {
  const index = call.argv.indexOf('--datasource');
  if (index < 0) return undefined;
  return (JSON.parse(call.argv[index + 1]!) as { url?: string }).url;
}

/** The schema files an engine start received through `--datamodels`. */
export function datamodelsOf(call: EngineCall): string[] {
  return call.argv.flatMap((arg, index) => (arg === '--datamodels' ? [call.argv[index + 1]!] : []));
}
