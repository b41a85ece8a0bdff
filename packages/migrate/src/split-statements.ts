/** One statement of a SQL script, as {@link splitSqlStatements} found it. */
export interface SqlStatement {
  /** The statement as written, from its first token to the end of its last one: no `;`, no surrounding comments. */
  readonly sql: string;
  /**
   * The same statement with every comment replaced by one space and runs of whitespace collapsed:
   * what keyword checks look at (string and identifier contents are kept as written).
   */
  readonly code: string;
  /** Zero-based index among the script's statements. */
  readonly index: number;
  /** Offset of the statement's first character in the script. */
  readonly offset: number;
  /** One-based line of the statement's first character in the script. */
  readonly line: number;
}

/** The SQL dialects the splitter knows. */
export type SqlDialect = 'postgresql' | 'mysql' | 'sqlite';

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** How each dialect quotes, comments and writes compound bodies. */
interface DialectRules {
  /** Quote characters → whether backslash escapes apply inside. */
  readonly quotes: Readonly<Record<string, boolean>>;
  /** `[identifier]` (SQLite). */
  readonly brackets: boolean;
  readonly nestedBlockComments: boolean;
  /** `#` starts a line comment (MySQL). */
  readonly hashComments: boolean;
  /** `/*! … *\/` and `/*M! … *\/` are code the server runs (MySQL/MariaDB executable comments). */
  readonly executableComments: boolean;
  readonly dollarQuotes: boolean;
  /** `E'…'` strings take backslash escapes (PostgreSQL). */
  readonly escapeStrings: boolean;
  /** The client-side `DELIMITER x` directive (MySQL). */
  readonly delimiterDirective: boolean;
  /** Statement kinds whose body is a `BEGIN … END` block holding semicolons of its own. */
  readonly bodyKinds: ReadonlySet<string>;
}

const RULES: Readonly<Record<SqlDialect, DialectRules>> = {
  postgresql: {
    quotes: { "'": false, '"': false },
    brackets: false,
    nestedBlockComments: true,
    hashComments: false,
    executableComments: false,
    dollarQuotes: true,
    escapeStrings: true,
    delimiterDirective: false,
    // SQL-standard bodies (PostgreSQL 14+): `BEGIN ATOMIC … END`.
    bodyKinds: new Set(['function', 'procedure']),
  },
  mysql: {
    // MySQL's default sql_mode reads backslash escapes in both string quotes; backticks quote names.
    quotes: { "'": true, '"': true, '`': false },
    brackets: false,
    nestedBlockComments: false,
    hashComments: true,
    executableComments: true,
    dollarQuotes: false,
    escapeStrings: false,
    delimiterDirective: true,
    bodyKinds: new Set(['function', 'procedure', 'trigger', 'event']),
  },
  sqlite: {
    quotes: { "'": false, '"': false, '`': false },
    brackets: true,
    nestedBlockComments: false,
    hashComments: false,
    executableComments: false,
    dollarQuotes: false,
    escapeStrings: false,
    delimiterDirective: false,
    bodyKinds: new Set(['trigger']),
  },
};

/** Words after which the kind of a `CREATE` statement is known not to have a body. */
const NOT_A_BODY = new Set(['table', 'index', 'view', 'type', 'schema', 'database', 'sequence', 'extension', 'user', 'role', 'domain']);

/** Whether the first words are `CREATE [OR REPLACE] [DEFINER=…] [TEMP] FUNCTION|PROCEDURE|TRIGGER|EVENT` of a dialect with such bodies. */
function hasBody(words: readonly string[], rules: DialectRules): boolean {
  if (words[0] !== 'create') return false;
  for (const word of words.slice(1)) {
    if (rules.bodyKinds.has(word)) return true;
    if (NOT_A_BODY.has(word)) return false;
  }
  return false;
}

/** Words that close a MySQL block when they follow `END` (`END IF`, `END LOOP`, …) without opening one. */
const END_SUFFIXES = new Set(['if', 'loop', 'while', 'repeat']);

interface Pending {
  start: number;
  code: string;
  parens: number;
  /** The first words, lower-cased, to recognise statements with a body. */
  head: string[];
  /** Nesting of BEGIN/CASE … END inside a body. */
  blocks: number;
  previousWord: string;
  /** Whether the last `END` closed a block (so `END IF` can give it back). */
  endClosed: boolean;
}

function endOfQuoted(script: string, from: number, quote: string, backslashEscapes: boolean, close: string = quote): number {
  let i = from + 1;
  while (i < script.length) {
    const ch = script[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === close) {
      if (script[i + 1] === close && close === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return script.length;
}

function endOfBlockComment(script: string, from: number, nested: boolean): number {
  if (!nested) {
    const close = script.indexOf('*/', from + 2);
    return close === -1 ? script.length : close + 2;
  }
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (script.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return script.length;
}

/** A quote prefixed by `E`/`e` (and not part of a longer word) takes backslash escapes. */
function isEscapeString(script: string, quoteAt: number): boolean {
  const prefix = script[quoteAt - 1];
  if (prefix !== 'E' && prefix !== 'e') return false;
  const before = script[quoteAt - 2];
  return before === undefined || !IDENTIFIER_CHAR.test(before);
}

/**
 * Whether a block comment at `i` is one the server runs: MySQL's `/*!` and `/*!NNNNN` (run by MySQL
 * and MariaDB), MariaDB's `/*M!` and `/*M!NNNNNN` (uppercase `M` only: MariaDB 10.11 reads
 * `/*m!` as a plain comment, seen). A version gate is the server's to judge, so all are kept.
 */
function isExecutableComment(script: string, i: number): boolean {
  return script.startsWith('/*!', i) || script.startsWith('/*M!', i);
}

/** MySQL treats `--` as a comment only when whitespace (or the end) follows it. */
function isLineComment(script: string, i: number, dialect: SqlDialect): boolean {
  if (!script.startsWith('--', i)) return false;
  if (dialect !== 'mysql') return true;
  const next = script[i + 2];
  return next === undefined || /\s/.test(next);
}

/** At a line start: `DELIMITER <token>` → the token and where the line ends. */
function delimiterDirective(script: string, i: number): { delimiter: string; end: number } | undefined {
  const lineStart = i === 0 || script[i - 1] === '\n' || /^[ \t]*$/.test(script.slice(script.lastIndexOf('\n', i - 1) + 1, i));
  if (!lineStart) return undefined;
  const match = /^delimiter[ \t]+(\S+)[^\n]*/i.exec(script.slice(i, i + 200));
  if (!match) return undefined;
  return { delimiter: match[1]!, end: i + match[0].length };
}

/**
 * Splits a SQL script into statements at top-level semicolons, knowing each dialect's quoting:
 *
 * - everywhere: `'…'` strings with `''`, line comments (`--`), block comments, parentheses, and
 *   the `BEGIN … END` bodies of statements that have one;
 * - `postgresql`: `"…"` identifiers, dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`), backslash
 *   escapes in `E'…'`, nested block comments, `BEGIN ATOMIC … END` routine bodies;
 * - `mysql`: backslash escapes in `'…'` and `"…"`, backtick names, `#` comments, `-- ` comments
 *   (whitespace after the dashes), executable comments (`/*!`, `/*!NNNNN`, `/*M!`, `/*M!NNNNNN`)
 *   kept as code, since the server runs them, the client's
 *   `DELIMITER` directive (the directive lines are not statements; statements end at the
 *   current delimiter), and trigger/procedure/function/event bodies (`BEGIN … END`, with
 *   `END IF`/`END LOOP`/`END WHILE`/`END REPEAT`/`END CASE`) written without `DELIMITER`;
 * - `sqlite`: `"…"`, `` `…` `` and `[…]` names, `CREATE TRIGGER … BEGIN … END` bodies.
 *
 * Parts holding only comments and whitespace are dropped. Never throws: an unterminated quote or
 * comment runs to the end of the script, and the database reports it.
 */
export function splitSqlStatements(script: string, dialect: SqlDialect = 'postgresql'): SqlStatement[] {
  const rules = RULES[dialect];
  const statements: SqlStatement[] = [];
  let pending: Pending | undefined;
  let lineOffset = 0;
  let line = 1;
  let delimiter = ';';
  const lineAt = (offset: number): number => {
    for (; lineOffset < offset; lineOffset++) if (script.charCodeAt(lineOffset) === 10) line++;
    return line;
  };

  const begin = (at: number): Pending => {
    pending ??= { start: at, code: '', parens: 0, head: [], blocks: 0, previousWord: '', endClosed: false };
    return pending;
  };
  const finish = (end: number): void => {
    if (pending) {
      const code = pending.code.replace(/\s+/g, ' ').trim();
      if (code !== '') {
        statements.push({
          sql: script.slice(pending.start, end).trim(),
          code,
          index: statements.length,
          offset: pending.start,
          line: lineAt(pending.start),
        });
      }
    }
    pending = undefined;
  };
  let lastTokenEnd = 0;

  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    if (/\s/.test(ch)) {
      if (pending) pending.code += ch;
      i++;
      continue;
    }
    if (rules.delimiterDirective && pending === undefined && (ch === 'd' || ch === 'D')) {
      const directive = delimiterDirective(script, i);
      if (directive) {
        delimiter = directive.delimiter;
        i = directive.end;
        continue;
      }
    }
    if (isLineComment(script, i, dialect) || (rules.hashComments && ch === '#')) {
      const newline = script.indexOf('\n', i);
      i = newline === -1 ? script.length : newline;
      if (pending) pending.code += ' ';
      continue;
    }
    if (script.startsWith('/*', i) && !(rules.executableComments && isExecutableComment(script, i))) {
      i = endOfBlockComment(script, i, rules.nestedBlockComments);
      if (pending) pending.code += ' ';
      continue;
    }
    if (delimiter !== ';' && script.startsWith(delimiter, i)) {
      if (pending) finish(lastTokenEnd);
      i += delimiter.length;
      continue;
    }
    if (ch === ';' && delimiter === ';') {
      if (pending && pending.parens === 0 && pending.blocks === 0) {
        finish(lastTokenEnd);
      } else if (pending) {
        pending.code += ch;
        lastTokenEnd = i + 1;
      }
      i++;
      continue;
    }

    const statement = begin(i);
    let end: number;
    if (ch in rules.quotes) {
      const backslashes = rules.quotes[ch]! || (ch === "'" && rules.escapeStrings && isEscapeString(script, i));
      end = endOfQuoted(script, i, ch, backslashes);
    } else if (rules.brackets && ch === '[') {
      end = endOfQuoted(script, i, '[', false, ']');
    } else if (rules.executableComments && isExecutableComment(script, i)) {
      end = endOfBlockComment(script, i, false);
    } else if (rules.dollarQuotes && ch === '$' && (i === 0 || !IDENTIFIER_CHAR.test(script[i - 1]!))) {
      const tag = DOLLAR_TAG.exec(script.slice(i, i + 200));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? script.length : close + tag[0].length;
      } else {
        end = i + 1;
      }
    } else if (WORD_START.test(ch) && (i === 0 || !IDENTIFIER_CHAR.test(script[i - 1]!))) {
      end = i + 1;
      while (end < script.length && IDENTIFIER_CHAR.test(script[end]!) && !(delimiter !== ';' && script.startsWith(delimiter, end))) end++;
      const word = script.slice(i, end).toLowerCase();
      if (statement.head.length < 8) statement.head.push(word);
      if (statement.head.length === 3 && dialect === 'mysql' && statement.head.join(' ') === 'begin not atomic') {
        // MariaDB's anonymous compound statement: the whole `BEGIN NOT ATOMIC … END` is one block.
        statement.blocks++;
      } else if (delimiter === ';' && hasBody(statement.head, rules)) {
        if (word === 'begin' || (word === 'case' && statement.previousWord !== 'end')) statement.blocks++;
        else if (word === 'end') {
          statement.endClosed = statement.blocks > 0;
          if (statement.endClosed) statement.blocks--;
        } else if (dialect === 'mysql' && statement.previousWord === 'end' && END_SUFFIXES.has(word) && statement.endClosed) {
          // `END IF` / `END LOOP` / …: that END closed an IF or a loop, which opened no block.
          statement.blocks++;
        }
      }
      statement.previousWord = word;
    } else {
      if (ch === '(') statement.parens++;
      else if (ch === ')' && statement.parens > 0) statement.parens--;
      end = i + 1;
    }
    statement.code += script.slice(i, end);
    lastTokenEnd = end;
    i = end;
  }
  finish(lastTokenEnd);
  return statements;
}
