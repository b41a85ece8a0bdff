import { CLIENT_GENERATORS, clientModuleProblem, SchemaError, type DatabaseFolder, type SkippedFolder } from '@kusto/db';
import { CliError } from '../errors.js';
import { urlEnvVarOf, urlStateOf } from '../targets/database-url.js';

/** One rule `kusto-db validate` applies on top of `prisma validate`. */
export interface CheckFinding {
  readonly rule: 'generator-provider' | 'generator-output' | 'datasource-provider' | 'no-url-in-schema' | 'folder-name' | 'env-var';
  readonly ok: boolean;
  readonly message: string;
}


/**
 * What to do about a url in the schema's datasource, which Prisma 7 rejects: for `url = env("X")`
 * `kusto-db upgrade-schema` moves it out; a literal URL (never echoed: it may hold a password) has
 * to go into the database's variable by hand, since upgrade-schema will not write a secret to disk.
 */
export function schemaUrlFix(folder: DatabaseFolder): string {
  if (folder.schema.urlEnv !== undefined) return `move it to prisma.config.ts: kusto-db upgrade-schema -d ${folder.name}`;
  return `put that URL in the environment variable ${urlEnvVarOf(folder)} (e.g. in .env) and delete the url line from schema.prisma`;
}

/** Applies our rules to one database folder. Reads nothing but the folder's parsed schema and `env`. */
export function checkDatabase(folder: DatabaseFolder, env: NodeJS.ProcessEnv): CheckFinding[] {
  const { schema } = folder;
  const { envVar, url } = urlStateOf(folder, env);
  return [
    {
      rule: 'folder-name',
      ok: true,
      message: `folder name "${folder.name}" is a valid database name`,
    },
    {
      rule: 'generator-provider',
      ok: CLIENT_GENERATORS.some((name) => name === schema.generatorProvider),
      message: CLIENT_GENERATORS.some((name) => name === schema.generatorProvider)
        ? `generator provider is ${schema.generatorProvider}`
        : (clientModuleProblem(folder) ?? ''),
    },
    {
      rule: 'generator-output',
      ok: schema.generatorOutput !== undefined && schema.generatorOutput.trim() !== '',
      message:
        schema.generatorOutput !== undefined && schema.generatorOutput.trim() !== ''
          ? `generator output is "${schema.generatorOutput}"`
          : `generator output is missing; ${clientModuleProblem({ schema: { ...schema, generatorProvider: schema.generatorProvider ?? 'prisma-client-js' } }) ?? 'add output = "client"'}`,
    },
    {
      rule: 'datasource-provider',
      ok: schema.provider !== undefined,
      message: schema.provider ? `datasource provider is ${schema.provider}` : 'the datasource has no provider; add e.g. provider = "postgresql"',
    },
    {
      rule: 'no-url-in-schema',
      ok: !schema.hasUrl,
      message: schema.hasUrl
        ? `the datasource has a url, which Prisma 7 rejects; ${schemaUrlFix(folder)}`
        : 'no url in the schema',
    },
    {
      rule: 'env-var',
      ok: url !== undefined,
      message: url !== undefined ? `${envVar} is set` : `${envVar} is not set`,
    },
  ];
}

/** Findings for a folder discovery skipped because its name cannot be a database name. */
export function checkSkipped(skipped: SkippedFolder): CheckFinding | undefined {
  if (skipped.reason === 'no schema.prisma') return undefined;
  return { rule: 'folder-name', ok: false, message: skipped.reason };
}

/** Throws a one-line {@link SchemaError} when Prisma 7 would reject the schema before doing anything. */
export function assertPrisma7Schema(folder: DatabaseFolder): void {
  if (folder.schema.hasUrl) {
    throw new SchemaError(
      folder.name,
      folder.schemaPath,
      `the datasource has a url, which Prisma 7 rejects: ${schemaUrlFix(folder)}`,
    );
  }
}

/**
 * Like {@link assertPrisma7Schema}, but lets a Prisma 6 style `url = env("X")` through: commands
 * that hand Prisma a copy without it (`prepareSchema`) accept it. A literal URL is still refused.
 */
export function assertUsableSchema(folder: DatabaseFolder): void {
  if (folder.schema.hasUrl && folder.schema.urlEnv === undefined) assertPrisma7Schema(folder);
}

/**
 * For the commands that change a database (`migrate -t deploy/resolve`, `rollback`, `seed`,
 * `execute --write`, and the Prisma-backed ones through {@link assertPrisma7Schema}): refuses, before
 * anything connects, every folder whose schema still has a datasource `url` (the Prisma 6 style
 * included), one line each with its fix, so no database is changed by a project half on Prisma 6.
 */
export function refuseUnupgradedSchemas(folders: readonly DatabaseFolder[], command: string): void {
  const lines = folders
    .filter((folder) => folder.schema.hasUrl)
    .map((folder) => `${folder.schemaPath} (database "${folder.name}"): the datasource has a url, which Prisma 7 rejects: ${schemaUrlFix(folder)}`);
  if (lines.length === 0) return;
  throw new CliError(
    'SCHEMA_NOT_UPGRADED',
    `kusto-db ${command} changes the database, and refuses a schema Prisma 7 rejects until it is upgraded:\n${lines.join('\n')}\nNothing was run.`,
  );
}

/**
 * Throws a one-line {@link SchemaError} when no runtime could load the client the schema generates
 * (a generator other than `prisma-client`/`prisma-client-js`, or no `output`): `generate` must not
 * say `ok` for it. The same rule `validate` reports.
 */
export function assertLoadableClient(folder: DatabaseFolder): void {
  const problem = clientModuleProblem(folder);
  if (problem) throw new SchemaError(folder.name, folder.schemaPath, problem);
}
