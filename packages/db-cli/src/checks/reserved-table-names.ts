import { RESERVED_WORDS } from './reserved-words.js';

/** The table of every model in a Prisma schema: `@@map("name")`, else the model's name. */
export function modelTableNames(schemaText: string): string[] {
  const tables: string[] = [];
  for (const match of schemaText.matchAll(/^\s*model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const mapped = /^\s*@@map\(\s*(?:name\s*:\s*)?"([^"]+)"\s*\)/m.exec(match[2] ?? '');
    tables.push(mapped?.[1] ?? match[1]!);
  }
  return tables;
}

// Sticky: matched where the scan stands, never on a copy of the rest of the text (an `-f` file may be large).
const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
const DOLLAR_TAG = /\$\w*\$/y;

/** The `$tag$` that opens a Postgres dollar-quoted string at `offset`, if one does. */
function dollarTagAt(sql: string, offset: number): string | undefined {
  DOLLAR_TAG.lastIndex = offset;
  return DOLLAR_TAG.exec(sql)?.[0];
}

/** The words of `sql` outside strings, quoted identifiers and comments, each with its offset. */
function unquotedWords(sql: string, provider: string): { word: string; offset: number }[] {
  const found: { word: string; offset: number }[] = [];
  const mysql = provider === 'mysql';
  let i = 0;
  const skipQuoted = (quote: string, backslash: boolean) => {
    for (i++; i < sql.length; i++) {
      if (backslash && sql[i] === '\\') i++;
      else if (sql[i] === quote) {
        if (sql[i + 1] === quote) i++;
        else break;
      }
    }
    i++;
  };
  while (i < sql.length) {
    const char = sql[i]!;
    if (char === "'" || char === '"' || char === '`') skipQuoted(char, mysql && char !== '`');
    else if (char === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i);
    else if (char === '#' && mysql) i = sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i);
    else if (char === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i + 2) === -1 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (char === '$' && !mysql && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i)!;
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? sql.length : end + tag.length;
    } else if (/[A-Za-z_]/.test(char)) {
      WORD.lastIndex = i;
      const word = WORD.exec(sql)![0];
      // `schema.User` is a qualified name, never the keyword.
      if (sql[i - 1] !== '.') found.push({ word, offset: i });
      i += word.length;
    } else i++;
  }
  return found;
}

/** One table a query names unquoted where the provider reads a reserved word instead. */
export interface ReservedTableName {
  /** The word as written in the query. */
  readonly word: string;
  /** The model's table it was meant to be. */
  readonly table: string;
  /** The table name quoted as the provider quotes identifiers. */
  readonly quoted: string;
}

/**
 * Tables of the schema that `sql` names unquoted although the word is reserved by `provider`
 * (`SELECT COUNT(*) FROM User` on Postgres counts `current_user`, one row): each once, in order.
 */
export function reservedTableNames(sql: string, provider: string, schemaText: string): ReservedTableName[] {
  const reserved = RESERVED_WORDS[provider];
  if (!reserved) return [];
  const tables = new Map(modelTableNames(schemaText).map((table) => [table.toLowerCase(), table]));
  const seen = new Set<string>();
  const hits: ReservedTableName[] = [];
  for (const { word } of unquotedWords(sql, provider)) {
    const lower = word.toLowerCase();
    const table = tables.get(lower);
    if (table === undefined || !reserved.has(lower) || seen.has(lower)) continue;
    seen.add(lower);
    hits.push({ word, table, quoted: provider === 'mysql' ? `\`${table}\`` : `"${table}"` });
  }
  return hits;
}
