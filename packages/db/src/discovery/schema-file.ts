/** What `@kusto/db` needs to know from a `schema.prisma`. */
export interface SchemaInfo {
  /** `provider` of the datasource block (`postgresql`, `mysql`, `sqlite`, `sqlserver`, …). */
  readonly provider: string | undefined;
  /** `X` when the datasource still has the Prisma 6 style `url = env("X")`. */
  readonly urlEnv: string | undefined;
  /** True when the datasource has any `url` line (Prisma 7 rejects it). */
  readonly hasUrl: boolean;
  /** `provider` of the first generator block. */
  readonly generatorProvider: string | undefined;
  /** `output` of the first generator block, as written (relative to the schema's folder). */
  readonly generatorOutput: string | undefined;
  /** `moduleFormat` of the first generator block (`esm`/`cjs`, `prisma-client` only). */
  readonly generatorModuleFormat: string | undefined;
  /** `generatedFileExtension` of the first generator block (`ts`/`mts`/`cts`, `prisma-client` only). */
  readonly generatedFileExtension: string | undefined;
  /** `importFileExtension` of the first generator block (`js`, `ts`, `""`…, `prisma-client` only). */
  readonly importFileExtension: string | undefined;
  /** How many generator blocks the schema has. */
  readonly generatorCount: number;
}

interface Block {
  readonly kind: string;
  readonly fields: ReadonlyMap<string, string>;
}

function stripComments(source: string): string {
  // Prisma comments run from `//` to the end of the line; strings in schema files never contain `//`
  // except URLs, which only matter inside quotes after `url =`, handled by keeping quoted text.
  return source
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const char = line[i];
        if (char === '"' && line[i - 1] !== '\\') inString = !inString;
        if (!inString && char === '/' && line[i + 1] === '/') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

function readBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /^\s*(datasource|generator)\s+\w+\s*\{([^}]*)\}/gm;
  for (const match of stripComments(source).matchAll(pattern)) {
    const fields = new Map<string, string>();
    for (const line of (match[2] ?? '').split('\n')) {
      const field = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(line);
      if (field?.[1] && field[2]) fields.set(field[1], field[2]);
    }
    blocks.push({ kind: match[1]!, fields });
  }
  return blocks;
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  return quoted ? quoted[1] : value;
}

/** Reads the datasource and generator settings of a Prisma schema. Never throws. */
export function parseSchema(source: string): SchemaInfo {
  const blocks = readBlocks(source);
  const datasource = blocks.find((block) => block.kind === 'datasource');
  const generator = blocks.find((block) => block.kind === 'generator');
  const url = datasource?.fields.get('url');
  const urlEnv = url ? /^env\(\s*"([^"]+)"\s*\)$/.exec(url)?.[1] : undefined;
  return {
    provider: unquote(datasource?.fields.get('provider')),
    urlEnv,
    hasUrl: url !== undefined,
    generatorProvider: unquote(generator?.fields.get('provider')),
    generatorOutput: unquote(generator?.fields.get('output')),
    generatorModuleFormat: unquote(generator?.fields.get('moduleFormat')),
    generatedFileExtension: unquote(generator?.fields.get('generatedFileExtension')),
    importFileExtension: unquote(generator?.fields.get('importFileExtension')),
    generatorCount: blocks.filter((block) => block.kind === 'generator').length,
  };
}
