import fs from 'node:fs/promises';
import path from 'node:path';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK, type CommandResult, type KustoCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';
import { palette } from '../output/colors.js';
import { formatDuration, renderTable, roundMs } from '../output/table.js';
import { reservedTableNames } from '../checks/reserved-table-names.js';
import { refuseUnupgradedSchemas } from '../checks/schema-checks.js';
import { guardDangerous, isCommandResult } from '../safety/guard-dangerous.js';
import { connectionReport, describeVia } from '../targets/connection-url.js';
import { resolveTargets, workingDirOf } from '../targets/resolve-targets.js';
import { CLI_DRIVER_DIRS, describeRunnerError, loadRunner, prepareRunnerTargets, withInterruptSignal, type RunnerTarget } from './runner-support.js';

export interface ExecuteArgs extends GlobalArgs {
  readonly query: string | undefined;
  readonly file: string | undefined;
  readonly json: boolean;
  readonly write: boolean;
  readonly force: boolean;
  readonly 'max-rows': number | undefined;
}

/** Where the SQL comes from: exactly one of `-q` and `-f`. Checked before anything else. */
function sqlSource(args: ExecuteArgs): { readonly query: string } | { readonly file: string } {
  const { query, file } = args;
  if (Array.isArray(query) || Array.isArray(file)) throw new CliError('USAGE', 'Pass -q or -f once: execute runs one SQL text (separate statements with ;).');
  if (query !== undefined && file !== undefined) throw new CliError('USAGE', 'execute takes -q <sql> or -f <file>, not both.');
  if (typeof query === 'string') {
    if (query.trim() === '') throw new CliError('USAGE', 'execute -q needs the SQL to run.');
    return { query };
  }
  if (typeof file === 'string' && file.trim() !== '') return { file };
  throw new CliError('USAGE', 'execute needs the SQL: -q <sql> or -f <file>.');
}

/** The SQL text: `-q` exactly as given, or the file's contents (`-f` is relative to the project directory, `--cwd`). */
async function readSql(source: ReturnType<typeof sqlSource>, projectDir: string): Promise<string> {
  if ('query' in source) return source.query;
  const file = path.resolve(projectDir, source.file);
  let sql: string;
  try {
    sql = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('FILE_UNREADABLE', `Cannot read the SQL file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { cause: error });
  }
  if (sql.trim() === '') throw new CliError('USAGE', `The SQL file ${file} is empty.`);
  return sql;
}

/** A value as one table cell: `NULL`, ISO dates, `\x…` bytes, JSON for objects, newlines escaped. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : typeof value;
  return text.replace(/\r?\n/g, '\\n');
}

function rowsWord(count: number): string {
  return `${count} row${count === 1 ? '' : 's'}`;
}

/** Rows the table shows when no terminal says how many fit (`--max-rows` changes it). */
export const EXECUTE_TABLE_ROWS = 200;

/** How many rows the table shows: `--max-rows`, else what fits the terminal, else {@link EXECUTE_TABLE_ROWS}. */
function tableLimit(args: ExecuteArgs, context: CliContext): number {
  const maxRows = args['max-rows'];
  if (maxRows !== undefined) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new CliError('USAGE', '--max-rows takes a whole number of at least 1 (use --json to print every row).');
    return maxRows;
  }
  const height = context.interactive ? process.stdout.rows : undefined;
  return height ? Math.max(5, height - 6) : EXECUTE_TABLE_ROWS;
}

const jsonValue = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/**
 * Runs the SQL streaming the last statement's rows: `--json` writes them into the document as
 * they arrive (one per line, waiting for stdout between batches), the table keeps only the rows it
 * shows and counts the rest. Memory stays bounded whatever the result's size.
 */
async function runStreaming(target: RunnerTarget, sql: string, args: ExecuteArgs, context: CliContext, signal: AbortSignal): Promise<CommandResult> {
  const { streamSql, splitSqlStatements } = await loadRunner();
  const provider = target.folder.schema.provider ?? 'postgresql';
  const lastIndex = splitSqlStatements(sql, provider as 'postgresql' | 'mysql' | 'sqlite').length - 1;
  const database = target.folder.name;
  const limit = args.json ? 0 : tableLimit(args, context);
  let names: string[] = [];
  const shown: string[][] = [];
  let total = 0;
  let opened = false;
  let firstRow = true;
  const openDocument = () => {
    if (opened) return;
    opened = true;
    context.io.out(`{"database":${JSON.stringify(database)},"connection":${JSON.stringify(connectionReport(target))},"write":${String(args.write)},"rows":[`);
  };
  const result = await streamSql(
    { url: target.url, sql, provider, write: args.write, database, baseDir: target.folder.dir, driverDirs: CLI_DRIVER_DIRS, monotonic: context.now, signal },
    {
      fields: (fields, index) => {
        if (index === lastIndex) names = fields.map((field) => field.name);
      },
      rows: async (rows, index) => {
        if (index !== lastIndex) return;
        total += rows.length;
        if (args.json) {
          openDocument();
          const text = rows.map((row) => JSON.stringify(row, jsonValue)).join('\n,');
          context.io.out(firstRow ? text : `,${text}`);
          firstRow = false;
          await context.io.drain?.();
          return;
        }
        for (const row of rows) {
          if (shown.length >= limit) break;
          shown.push(names.map((name) => formatCell(row[name])));
        }
      },
    },
  );
  const error = result.error ? describeRunnerError(result.error, target) : undefined;
  if (args.json) {
    openDocument();
    const rest = {
      ok: result.ok,
      command: result.statements.at(-1)?.command ?? null,
      rowCount: result.rowCount,
      durationMs: roundMs(result.durationMs),
      fields: result.fields,
      statements: result.statements.map((statement) => ({ command: statement.command, rowCount: statement.rowCount })),
      error: result.error && error ? { code: result.error.code, message: error.join('\n') } : null,
    };
    context.io.out(`],${JSON.stringify(rest, jsonValue).slice(1)}`);
  }
  if (error) {
    context.io.err(`kusto-db: ${error.join('\n')}`);
    return { exitCode: result.error?.code === 'CANCELLED' ? EXIT_CANCELLED : EXIT_FAILED };
  }
  if (args.json) return { exitCode: EXIT_OK };

  const paint = palette(context.colors);
  const last = result.statements.at(-1);
  const time = `${formatDuration(result.durationMs)}, ${describeVia(target)}`;
  if (result.fields.length > 0) {
    for (const line of renderTable(names, shown)) context.io.out(line);
    const more = total > shown.length ? `, showing the first ${shown.length}: --max-rows <n> shows more, --json prints them all` : '';
    context.io.out(paint.dim(`(${rowsWord(total)}${more}, ${time})`));
  } else {
    const affected = last?.rowCount === null || last === undefined ? '' : `${rowsWord(last.rowCount)} affected, `;
    context.io.out(paint.dim(`${last?.command ?? 'OK'} (${affected}${time})`));
  }
  if (result.statements.length > 1) context.io.out(paint.dim(`${result.statements.length} statements ran; the result above is the last one's.`));
  return { exitCode: EXIT_OK };
}

const PROVIDER_NAMES: Readonly<Record<string, string>> = { postgresql: 'PostgreSQL', cockroachdb: 'CockroachDB', mysql: 'MySQL/MariaDB' };

/**
 * Warns on stderr, before anything runs, for each model table the SQL names unquoted where the
 * provider reads a reserved word instead (`FROM User` on Postgres is `current_user`: a wrong answer,
 * not an error), with the quoted form. The SQL still runs as written.
 */
async function warnReservedTableNames(target: RunnerTarget, sql: string, context: CliContext): Promise<void> {
  const provider = target.folder.schema.provider ?? '';
  const schemaText = await fs.readFile(target.folder.schemaPath, 'utf8').catch(() => '');
  for (const hit of reservedTableNames(sql, provider, schemaText)) {
    context.io.err(
      `! ${hit.word} is a reserved word in ${PROVIDER_NAMES[provider] ?? provider}: unquoted, the query does not name your table ${hit.table}. Quote it: ${hit.quoted}`,
    );
  }
}

/**
 * `execute -d <db> (-q <sql> | -f <file>) [--json] [--write]`: runs SQL on one database and prints
 * the rows (or one JSON document) with the row count and time. Read-only unless `--write`: the SQL
 * runs in a read-only transaction, so a write fails cleanly and nothing changes. `--write` is a
 * dangerous operation (two codes, or `--force` without a terminal).
 */
export const executeCommand: KustoCommand<ExecuteArgs> = {
  command: 'execute',
  describe: 'Run SQL on one database and print the rows (read-only unless --write, which asks for two codes)',
  builder: (yargs) =>
    yargs
      .option('query', { alias: 'q', type: 'string', describe: 'The SQL to run, exactly as given (quote it as one argument)' })
      .option('file', { alias: 'f', type: 'string', describe: 'A file holding the SQL to run (relative to --cwd)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print one JSON document (rows, row count, time) instead of a table; rows are streamed, one per line, so any size fits in memory',
      })
      .option('max-rows', { type: 'number', describe: 'Rows the table shows (default: what fits the terminal, 200 without one); the rest are counted' })
      .option('write', {
        type: 'boolean',
        default: false,
        describe: '⚠️ Allow the SQL to change data (asks for two codes); without it the SQL runs in a read-only transaction',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'With --write: skip the confirmation codes (needed without a terminal); never replaces -d. No short form: -f is --file',
      }),
  async run(args, context) {
    const source = sqlSource(args);
    if (!args.json) tableLimit(args, context);
    const run = async (target: RunnerTarget, sql: string) => {
      await warnReservedTableNames(target, sql, context);
      return withInterruptSignal(context, (signal) => runStreaming(target, sql, args, context, signal));
    };

    // Read-only SQL connects as the app does (the main URL). --write prefers the direct URL; it
    // can go through a transaction pooler too, because the SQL runs inside one transaction.
    if (!args.write) {
      const { databases } = resolveTargets(args, 'one-required', context, 'execute');
      const [target] = await prepareRunnerTargets(databases, context, 'main');
      return run(target!, await readSql(source, workingDirOf(args, context)));
    }
    let prepared: { target: RunnerTarget; sql: string } | undefined;
    const guarded = await guardDangerous(
      args,
      {
        action: 'execute --write',
        consequence: 'runs SQL that may change or delete data',
        force: args.force,
        requirements: (folder) => refuseUnupgradedSchemas([folder], 'execute --write'),
        precheck: async (folder) => {
          const [target] = await prepareRunnerTargets([folder], context, 'preferDirect');
          prepared = { target: target!, sql: await readSql(source, workingDirOf(args, context)) };
        },
      },
      context,
    );
    if (isCommandResult(guarded)) return guarded;
    return run(prepared!.target, prepared!.sql);
  },
};
