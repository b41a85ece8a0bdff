import { describe, expect, it } from '@jest/globals';
import { isPostgresTransactionControl, postgresNonTransactionalReason } from './statements.js';
import { splitSqlStatements } from '../../split-statements.js';

const one = (sql: string) => splitSqlStatements(sql)[0]!;

describe('postgresNonTransactionalReason', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY "i" ON t(a)', 'CREATE INDEX CONCURRENTLY'],
    ['create unique index /* x */ concurrently i on t(a)', 'CREATE INDEX CONCURRENTLY'],
    ['DROP INDEX CONCURRENTLY i', 'DROP INDEX CONCURRENTLY'],
    ['REINDEX INDEX CONCURRENTLY i', 'REINDEX CONCURRENTLY'],
    ['VACUUM ANALYZE t', 'VACUUM'],
    ['CREATE DATABASE other', 'CREATE/DROP DATABASE'],
    ['ALTER SYSTEM SET work_mem = 1', 'ALTER SYSTEM'],
  ])('flags %s', (sql, reason) => {
    expect(postgresNonTransactionalReason(one(sql), 170_000)).toBe(reason);
  });

  it('flags ALTER TYPE … ADD VALUE before PostgreSQL 12 only', () => {
    const statement = one(`ALTER TYPE "Role" ADD VALUE 'ADMIN'`);
    expect(postgresNonTransactionalReason(statement, 110_000)).toBe('ALTER TYPE … ADD VALUE before PostgreSQL 12');
    expect(postgresNonTransactionalReason(statement, 120_000)).toBeUndefined();
  });

  it.each(['CREATE INDEX "i" ON t(a)', "INSERT INTO t VALUES ('CREATE INDEX CONCURRENTLY')", 'REFRESH MATERIALIZED VIEW CONCURRENTLY v'])(
    'lets %s run in a transaction',
    (sql) => {
      expect(postgresNonTransactionalReason(one(sql), 170_000)).toBeUndefined();
    },
  );
});

describe('isPostgresTransactionControl', () => {
  it.each(['BEGIN', 'begin transaction', 'START TRANSACTION', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT s'])('recognises %s', (sql) => {
    expect(isPostgresTransactionControl(one(sql))).toBe(true);
  });

  it.each(['SELECT 1', 'CREATE TABLE "begin" (id int)', 'DO $$ BEGIN NULL; END $$'])('ignores %s', (sql) => {
    expect(isPostgresTransactionControl(one(sql))).toBe(false);
  });
});
