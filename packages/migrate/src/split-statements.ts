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

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Routine bodies written as `BEGIN ATOMIC … END` hold semicolons of their own. */
function isRoutineHead(words: readonly string[]): boolean {
  if (words[0] !== 'create') return false;
  const kind = words[1] === 'or' && words[2] === 'replace' ? words[3] : words[1];
  return kind === 'function' || kind === 'procedure';
}

interface Pending {
  start: number;
  code: string;
  parens: number;
  /** The first few words, lower-cased, to recognise `CREATE [OR REPLACE] FUNCTION|PROCEDURE`. */
  head: string[];
  /** Nesting of BEGIN/CASE … END inside a routine body (PostgreSQL 14+ SQL-standard bodies). */
  blocks: number;
}


function endOfQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const ch = script[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return script.length;
}

function endOfBlockComment(script: string, from: number): number {
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
 * Splits a PostgreSQL script into statements at top-level semicolons. Semicolons inside
 * single-quoted strings (with `''` escapes, and backslash escapes in `E'…'`), double-quoted
 * identifiers, dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`), line comments (`--`), nested block
 * comments, parentheses and `BEGIN ATOMIC … END` routine bodies do not end a statement. Parts
 * holding only comments and whitespace are dropped. Never throws: an unterminated quote or
 * comment runs to the end of the script, and the database reports it.
 */
export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let pending: Pending | undefined;
  let lineOffset = 0;
  let line = 1;
  const lineAt = (offset: number): number => {
    for (; lineOffset < offset; lineOffset++) if (script.charCodeAt(lineOffset) === 10) line++;
    return line;
  };

  const begin = (at: number): Pending => {
    pending ??= { start: at, code: '', parens: 0, head: [], blocks: 0 };
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
    if (script.startsWith('--', i)) {
      const newline = script.indexOf('\n', i);
      i = newline === -1 ? script.length : newline;
      if (pending) pending.code += ' ';
      continue;
    }
    if (script.startsWith('/*', i)) {
      i = endOfBlockComment(script, i);
      if (pending) pending.code += ' ';
      continue;
    }
    if (ch === ';') {
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
    if (ch === "'") {
      end = endOfQuoted(script, i, "'", isEscapeString(script, i));
    } else if (ch === '"') {
      end = endOfQuoted(script, i, '"', false);
    } else if (ch === '$' && (i === 0 || !IDENTIFIER_CHAR.test(script[i - 1]!))) {
      const tag = DOLLAR_TAG.exec(script.slice(i, i + 200));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? script.length : close + tag[0].length;
      } else {
        end = i + 1;
      }
    } else if (WORD_START.test(ch) && (i === 0 || !IDENTIFIER_CHAR.test(script[i - 1]!))) {
      end = i + 1;
      while (end < script.length && IDENTIFIER_CHAR.test(script[end]!)) end++;
      const word = script.slice(i, end).toLowerCase();
      if (statement.head.length < 4) statement.head.push(word);
      else if (isRoutineHead(statement.head)) {
        if (word === 'begin' || word === 'case') statement.blocks++;
        else if (word === 'end' && statement.blocks > 0) statement.blocks--;
      }
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
