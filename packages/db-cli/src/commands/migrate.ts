import type { Options } from 'yargs';
import type { CommandResult, KustoCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';

/** Parsed `kusto-db migrate` arguments: the globals, `-t` and the options of every registered type. */
export interface MigrateArgs extends GlobalArgs {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * One `kusto-db migrate -t <name>` sub-type. Register more (e.g. `deploy`, `status`) by passing
 * them to {@link createMigrateCommand}; their options appear in `migrate --help` under their name.
 */
export interface MigrateType {
  readonly name: string;
  readonly describe: string;
  /** Options only this type accepts (camelCase keys are not allowed: use the dashed name). */
  readonly options?: Readonly<Record<string, Options>>;
  run(args: MigrateArgs, context: CliContext): Promise<CommandResult>;
}

function camel(option: string): string {
  return option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Options given on the command line that belong to other types only. */
function foreignOptions(args: MigrateArgs, chosen: MigrateType, types: readonly MigrateType[]): string[] {
  const own = new Set(Object.keys(chosen.options ?? {}));
  const foreign = new Set(types.flatMap((type) => Object.keys(type.options ?? {})).filter((option) => !own.has(option)));
  return [...foreign].filter((option) => args[camel(option)] !== undefined);
}

/** The `migrate` command over `types`, dispatching on `-t`. */
export function createMigrateCommand(types: readonly MigrateType[]): KustoCommand<MigrateArgs> {
  const byName = new Map(types.map((type) => [type.name, type]));
  return {
    command: 'migrate',
    describe: `Migrations: ${types.map((type) => `-t ${type.name}`).join(', ')}`,
    builder: (yargs) => {
      let parser = yargs.option('type', {
        alias: 't',
        type: 'string',
        choices: [...byName.keys()],
        demandOption: true,
        describe: types.map((type) => `${type.name}: ${type.describe}`).join('; '),
      });
      // An option several types accept (e.g. --force) is declared once, its help naming each type's meaning.
      const users = new Map<string, MigrateType[]>();
      for (const type of types) for (const name of Object.keys(type.options ?? {})) users.set(name, [...(users.get(name) ?? []), type]);
      const declared = new Set<string>();
      for (const type of types) {
        const names = Object.keys(type.options ?? {}).filter((name) => !declared.has(name));
        for (const name of names) {
          const sharing = users.get(name) ?? [type];
          const describe =
            sharing.length > 1
              ? sharing.map((user) => `${user.name}: ${String(user.options![name]!.describe)}`).join('; ')
              : type.options![name]!.describe;
          parser = parser.option(name, { ...type.options![name]!, describe });
          declared.add(name);
        }
        if (names.length > 0) parser = parser.group(names, `Options of -t ${type.name}:`);
      }
      return parser;
    },
    async run(args, context) {
      const type = byName.get(args.type);
      if (!type) throw new CliError('USAGE', `Unknown migrate type "${args.type}". Choose one of: ${[...byName.keys()].join(', ')}.`);
      const foreign = foreignOptions(args, type, types);
      if (foreign.length > 0) {
        throw new CliError('USAGE', `${foreign.map((option) => `--${option}`).join(', ')} cannot be used with -t ${type.name}.`);
      }
      return type.run(args, context);
    },
  };
}
