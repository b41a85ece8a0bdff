import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the fake `prisma` bin saw on one run. */
export interface FakePrismaCall {
  readonly argv: string[];
  readonly cwd: string;
  /** Text of the `--config` file as it was during the run. */
  readonly config: string | null;
  readonly configPath: string | null;
}

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const argv = process.argv.slice(2);
const configIndex = argv.indexOf('--config');
const configPath = configIndex >= 0 ? argv[configIndex + 1] : null;
const config = configPath && fs.existsSync(configPath) ? fs.readFileSync(configPath, 'utf8') : null;
fs.appendFileSync(process.env.FAKE_PRISMA_LOG, JSON.stringify({ argv, cwd: process.cwd(), config, configPath }) + '\n');
const outputIndex = argv.indexOf('--output');
if (argv[0] === 'migrate' && argv[1] === 'diff' && outputIndex >= 0 && process.env.FAKE_PRISMA_DIFF_SQL) {
  fs.writeFileSync(argv[outputIndex + 1], process.env.FAKE_PRISMA_DIFF_SQL);
}
if (argv[0] === 'migrate' && argv[1] === 'dev' && process.env.FAKE_PRISMA_CREATE_MIGRATION) {
  const dir = path.join(process.cwd(), 'migrations', process.env.FAKE_PRISMA_CREATE_MIGRATION);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), '-- up\n');
}
if (process.env.FAKE_PRISMA_SLEEP_MS) {
  process.stdout.write('fake prisma waiting\n');
  setTimeout(() => process.exit(0), Number(process.env.FAKE_PRISMA_SLEEP_MS));
} else {
  process.stdout.write('fake prisma ' + argv.join(' ') + '\n');
  const failHere = process.env.FAKE_PRISMA_FAIL_IN === path.basename(process.cwd());
  process.exitCode = failHere ? 5 : Number(process.env.FAKE_PRISMA_EXIT ?? 0);
  if (argv[0] === 'generate' && process.exitCode === 0 && !process.env.FAKE_PRISMA_GENERATE_NOTHING) {
    // What a successful prisma generate leaves behind: the entry the runtime loads (prisma-client-js into "client").
    fs.mkdirSync(path.join(process.cwd(), 'client'), { recursive: true });
    fs.writeFileSync(path.join(process.cwd(), 'client', 'index.js'), 'exports.PrismaClient = class PrismaClient {};\n');
  }
}
`;

/**
 * Installs a recording `prisma` package into `project/node_modules`, found by the CLI's
 * project-local resolution. Returns the log file its runs are appended to.
 */
export async function installFakePrisma(project: string): Promise<string> {
  const dir = path.join(project, 'node_modules', 'prisma');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'prisma', version: '7.0.0-fake', bin: { prisma: 'fake-prisma.cjs' } }));
  await fs.writeFile(path.join(dir, 'fake-prisma.cjs'), SCRIPT, { mode: 0o755 });
  return path.join(project, 'fake-prisma.log');
}

export function readFakePrismaCalls(log: string): FakePrismaCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FakePrismaCall);
}
