import { describe, expect, it } from '@jest/globals';
import { splitSqlStatements } from './split-statements.js';

const sqlOf = (script: string): string[] => splitSqlStatements(script).map((statement) => statement.sql);

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons and drops the semicolons and surrounding whitespace', () => {
    expect(sqlOf('CREATE TABLE a (id int);\n\n  CREATE TABLE b (id int) ;\nSELECT 1')).toEqual([
      'CREATE TABLE a (id int)',
      'CREATE TABLE b (id int)',
      'SELECT 1',
    ]);
  });

  it('keeps semicolons inside single-quoted strings, with doubled quotes', () => {
    expect(sqlOf("INSERT INTO t VALUES ('a;b', 'it''s; fine');SELECT 2;")).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
      'SELECT 2',
    ]);
  });

  it('honours backslash escapes in E strings only', () => {
    expect(sqlOf("SELECT E'a\\';b';SELECT 'c\\';SELECT 3")).toEqual(["SELECT E'a\\';b'", "SELECT 'c\\'", 'SELECT 3']);
  });

  it('does not treat a word ending in e before a quote as an E string', () => {
    expect(sqlOf("SELECT 1 AS note WHERE name='x\\';SELECT 2")).toEqual(["SELECT 1 AS note WHERE name='x\\'", 'SELECT 2']);
  });

  it('keeps semicolons inside double-quoted identifiers', () => {
    expect(sqlOf('CREATE TABLE "we;ird""name" (id int);SELECT 1')).toEqual(['CREATE TABLE "we;ird""name" (id int)', 'SELECT 1']);
  });

  it('keeps dollar-quoted bodies whole, tagged or not, nested tags included', () => {
    const fn = `CREATE FUNCTION f() RETURNS trigger AS $fn$
BEGIN
  PERFORM 1; -- inside
  EXECUTE $$SELECT ';'$$;
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql`;
    expect(sqlOf(`${fn};\nDO $$ BEGIN RAISE NOTICE 'x;y'; END $$;SELECT 1`)).toEqual([
      fn,
      "DO $$ BEGIN RAISE NOTICE 'x;y'; END $$",
      'SELECT 1',
    ]);
  });

  it('does not mistake positional parameters or identifiers with $ for dollar quotes', () => {
    expect(sqlOf('PREPARE p AS SELECT $1;SELECT a$b$ FROM t;SELECT 2')).toEqual(['PREPARE p AS SELECT $1', 'SELECT a$b$ FROM t', 'SELECT 2']);
  });

  it('ignores semicolons in line and nested block comments, and drops comment-only parts', () => {
    const script = '-- first; comment\nCREATE TABLE a (id int); -- trailing; note\n/* block; /* nested; */ still; */\nSELECT 1;\n-- only a comment;\n';
    const statements = splitSqlStatements(script);
    expect(statements.map((statement) => statement.sql)).toEqual(['CREATE TABLE a (id int)', 'SELECT 1']);
    expect(statements.map((statement) => statement.code)).toEqual(['CREATE TABLE a (id int)', 'SELECT 1']);
  });

  it('replaces inner comments by a space in `code` and keeps them in `sql`', () => {
    const [statement] = splitSqlStatements('CREATE /* c */ INDEX\n  CONCURRENTLY -- why\n "i" ON t(a)');
    expect(statement?.code).toBe('CREATE INDEX CONCURRENTLY "i" ON t(a)');
    expect(statement?.sql).toBe('CREATE /* c */ INDEX\n  CONCURRENTLY -- why\n "i" ON t(a)');
  });

  it('reports index, offset and one-based line of each statement', () => {
    const script = '-- header\nSELECT 1;\n\n  SELECT\n 2;';
    expect(splitSqlStatements(script).map(({ index, offset, line }) => ({ index, offset, line }))).toEqual([
      { index: 0, offset: 10, line: 2 },
      { index: 1, offset: script.indexOf('SELECT\n'), line: 4 },
    ]);
  });

  it('keeps BEGIN ATOMIC routine bodies whole', () => {
    const fn = 'CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN a END; SELECT a + b; END';
    expect(sqlOf(`${fn};SELECT 1`)).toEqual([fn, 'SELECT 1']);
  });

  it('does not count BEGIN/END outside routine definitions', () => {
    expect(sqlOf('BEGIN;CREATE TABLE a (id int);END;')).toEqual(['BEGIN', 'CREATE TABLE a (id int)', 'END']);
  });

  it('keeps semicolons inside parentheses', () => {
    expect(sqlOf("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO l VALUES (1); INSERT INTO l VALUES (2));SELECT 1")).toEqual([
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO l VALUES (1); INSERT INTO l VALUES (2))',
      'SELECT 1',
    ]);
  });

  it('lets an unterminated quote run to the end instead of throwing', () => {
    expect(sqlOf("SELECT 'open;SELECT 2")).toEqual(["SELECT 'open;SELECT 2"]);
  });

  it('returns nothing for an empty or comment-only script', () => {
    expect(splitSqlStatements('')).toEqual([]);
    expect(splitSqlStatements(' \n-- nothing\n/* here */;;\n')).toEqual([]);
  });

  describe('MySQL/MariaDB executable comments, which the server runs', () => {
    const mysqlSql = (script: string): string[] => splitSqlStatements(script, 'mysql').map((statement) => statement.sql);

    it.each([
      ['/*!', '/*! CREATE TABLE a (x int) */'],
      ['/*!NNNNN', '/*!50001 CREATE TABLE a (x int) */'],
      ['/*M!', '/*M! CREATE TABLE a (x int) */'],
      ['/*M!NNNNNN', '/*M!100000 CREATE TABLE a (x int) */'],
    ])('keeps a statement written wholly as %s as a statement', (_form, statement) => {
      expect(mysqlSql(`${statement};\nSELECT 1`)).toEqual([statement, 'SELECT 1']);
    });

    it('keeps executable comments inside and at the end of a statement as part of it', () => {
      const statement = 'CREATE TABLE t (x int /*M!100000 , y int */) /*!50100 ENGINE=InnoDB */';
      const [split] = splitSqlStatements(`${statement};`, 'mysql');
      expect(split?.sql).toBe(statement);
      expect(split?.code).toBe(statement);
    });

    it('still drops plain comments, `/*m!` included (MariaDB reads it as a comment)', () => {
      expect(mysqlSql('/* plain; */ /*m!100000 CREATE TABLE a (x int) */ SELECT 1 /* tail */;')).toEqual(['SELECT 1']);
    });

    it('is a plain comment on Postgres and SQLite, which have no executable comments', () => {
      expect(sqlOf('/*M!100000 CREATE TABLE a (x int) */ SELECT 1')).toEqual(['SELECT 1']);
      expect(splitSqlStatements('/*!CREATE TABLE a (x int) */ SELECT 1', 'sqlite').map((statement) => statement.sql)).toEqual(['SELECT 1']);
    });
  });
});
