import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { packageDir, removeProject } from '../test-support/project.js';
import { createRunnerProject } from '../test-support/runner-cli.js';

// `kusto-db execute` on results too large to hold, in a child process as a user runs it (the
// built bin), measuring its peak RSS: a bound on memory, not a timing.

/** The peak RSS `execute --json` may reach on 2 000 000 rows (the target). */
const JSON_RSS_LIMIT_MB = 150;
const JSON_ROWS = 2_000_000;
const TABLE_ROWS = 150_000;

let project: string;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('cli_execute_scale');
  project = await createRunnerProject('execute-scale', { user: {} });
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

interface Run {
  readonly code: number | null;
  readonly lines: number;
  readonly head: string;
  readonly tail: string;
  readonly stderr: string;
  readonly maxRssMb: number;
}

/** Runs the built `kusto-db` with `argv`, counting stdout lines without keeping them (only the head and tail). */
function kustoDb(argv: readonly string[]): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', path.join(packageDir, 'src/test-support/scenarios/report-rss.mjs'), path.join(packageDir, 'bin/kusto-db.js'), ...argv, '--cwd', project],
    { env: { ...process.env, RDS_USER_URL: database.url, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let lines = 0;
  let head = '';
  let tail = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines++;
    if (head.length < 2_000) head += chunk.slice(0, 2_000);
    tail = (tail + chunk).slice(-4_000);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const rss = /kusto-test-max-rss=(\d+)/.exec(stderr);
      resolve({ code, lines, head, tail, stderr, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN });
    }),
  );
}

test(`--json streams ${JSON_ROWS} rows as one document under ${JSON_RSS_LIMIT_MB} MB peak RSS`, async () => {
  const run = await kustoDb(['execute', '-d', 'user', '--json', '-q', `SELECT n, 'row ' || n AS label FROM generate_series(1, ${JSON_ROWS}) AS n`]);
  expect(run.stderr).not.toMatch(/RangeError|\n\s+at /);
  expect(run.code).toBe(0);
  // A header line, one line per row, the closing line.
  expect(run.lines).toBe(JSON_ROWS + 2);
  expect(run.head).toMatch(/^\{"database":"user",.*"rows":\[\n\{"n":1,"label":"row 1"\}\n/);
  expect(run.tail).toContain(`{"n":${JSON_ROWS},"label":"row ${JSON_ROWS}"}\n],"ok":true,"command":"SELECT","rowCount":${JSON_ROWS},`);
  process.stdout.write(`execute --json, ${JSON_ROWS} rows: peak RSS ${run.maxRssMb.toFixed(1)} MB\n`);
  expect(run.maxRssMb).toBeLessThan(JSON_RSS_LIMIT_MB);
}, 300_000);

test(`the table shows the first rows of ${TABLE_ROWS} and says how many there were, without crashing`, async () => {
  const run = await kustoDb(['execute', '-d', 'user', '-q', `SELECT n FROM generate_series(1, ${TABLE_ROWS}) AS n`]);
  expect(run.stderr).not.toMatch(/RangeError|\n\s+at /);
  expect(run.code).toBe(0);
  expect(run.tail).toContain(`(${TABLE_ROWS} rows, showing the first 200: --max-rows <n> shows more, --json prints them all,`);
  // Header, rule, 200 rows, the count line.
  expect(run.lines).toBe(203);
  process.stdout.write(`execute table, ${TABLE_ROWS} rows: peak RSS ${run.maxRssMb.toFixed(1)} MB\n`);
}, 120_000);
