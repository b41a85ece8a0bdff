import { detectProfile } from '@kusto/db';
import os from 'node:os';
import type { KustoCommand } from '../command.js';
import { describeEnvFile, type EnvFileSource } from '../env/env-file.js';
import { checkDatabase } from '../checks/schema-checks.js';
import type { GlobalArgs } from '../global-options.js';
import { describeDatabase, type DatabaseListing } from './list.js';
import { CliError } from '../errors.js';
import { discover, projectDirOf, rootLine } from '../targets/resolve-targets.js';
import { readInstalledVersions } from './version.js';

/** Everything `kusto-db debug` reports; URLs only redacted. */
export interface DebugReport {
  readonly node: string;
  readonly os: string;
  readonly packages: Readonly<Record<string, string | null>>;
  /** The two decisions of the detected profile: the check policy and the pool, each with its reason. */
  readonly profile: {
    readonly checks: { readonly name: string; readonly reason: string };
    readonly pool: { readonly name: string; readonly reason: string };
  };
  readonly projectDir: string;
  /** The env file read before the URLs were (null when the report was made outside a command run). */
  readonly envFile: EnvFileSource | null;
  readonly root: string | null;
  readonly rootProblem: string | null;
  /** The URL fields of `kusto-db list`, and the schema checks. */
  readonly databases: readonly (Pick<DatabaseListing, 'name' | 'envVar' | 'envSet' | 'target' | 'pooled' | 'direct' | 'sessionVia'> & {
    readonly checks: readonly { readonly rule: string; readonly ok: boolean; readonly message: string }[];
  })[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export function collectDebugReport(args: GlobalArgs, context: { cwd: string; env: NodeJS.ProcessEnv; envFile?: EnvFileSource | undefined }): DebugReport {
  const projectDir = projectDirOf(args, context);
  const profile = detectProfile(context.env);
  const base = {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    packages: Object.fromEntries(readInstalledVersions(projectDir).map((v) => [v.name, v.version ?? null])),
    profile: {
      checks: { name: profile.profile, reason: profile.reason },
      pool: { name: profile.pool.profile, reason: profile.pool.reason },
    },
    projectDir,
    envFile: context.envFile ?? null,
  };
  try {
    const discovery = discover(projectDir, args.root);
    return {
      ...base,
      root: discovery.root,
      rootProblem: null,
      databases: [...discovery.databases.values()].map((folder) => {
        const { name, envVar, envSet, target, pooled, direct, sessionVia } = describeDatabase(folder, context.env);
        return { name, envVar, envSet, target, pooled, direct, sessionVia, checks: checkDatabase(folder, context.env) };
      }),
      skipped: discovery.skipped.map(({ name, reason }) => ({ name, reason })),
    };
  } catch (error) {
    if (!(error instanceof CliError && error.code === 'ROOT_NOT_FOUND')) throw error;
    return { ...base, root: null, rootProblem: error.message, databases: [], skipped: [] };
  }
}

export const debugCommand: KustoCommand<GlobalArgs & { json: boolean }> = {
  command: 'debug',
  describe: 'Print Node, OS, package versions, profile, root and every database with its checks (for bug reports)',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  run(args, context) {
    const report = collectDebugReport(args, context);
    if (report.root !== null) context.io.err(rootLine(report.root));
    if (args.json) {
      context.io.out(JSON.stringify(report, null, 2));
      return { exitCode: 0 };
    }
    const { io } = context;
    io.out(`node     ${report.node}`);
    io.out(`os       ${report.os}`);
    for (const [name, version] of Object.entries(report.packages)) io.out(`${name.padEnd(16)} ${version ?? 'not installed'}`);
    io.out(`checks   ${report.profile.checks.name} (${report.profile.checks.reason})`);
    io.out(`pool     ${report.profile.pool.name} (${report.profile.pool.reason})`);
    io.out(`project  ${report.projectDir}`);
    io.out(`env file ${report.envFile ? describeEnvFile(report.envFile, report.projectDir) : 'not read'}`);
    io.out(`root     ${report.root ?? report.rootProblem ?? ''}`);
    for (const database of report.databases) {
      io.out('');
      io.out(`${database.name}: ${database.envVar} ${database.envSet ? `set (${database.target ?? ''})${database.pooled ? ' pgbouncer=true' : ''}` : 'missing'}`);
      io.out(`  direct: ${database.direct.envVar} ${database.direct.envSet ? `set (${database.direct.target ?? ''})` : 'not set'}`);
      io.out(`  migrations connect ${database.sessionVia === null ? 'nowhere: deploy, rollback and migrate would refuse' : `via ${database.sessionVia}`}`);
      for (const check of database.checks) io.out(`  ${check.ok ? '✔' : '✖'} ${check.message}`);
    }
    for (const skipped of report.skipped) io.out(`skipped ${skipped.name}: ${skipped.reason}`);
    return { exitCode: 0 };
  },
};
