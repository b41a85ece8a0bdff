import { describe, expect, it } from '@jest/globals';
import { migrationChecksum } from './checksum.js';
import { computeStatus } from './compute-status.js';
import type { MigrationRow, RollbackHistoryEntry } from './migration-connection.js';
import type { LocalMigration } from './migration-files.js';

function local(name: string, script = `-- ${name}\nSELECT 1;\n`, down?: string): LocalMigration {
  return {
    name,
    dir: `/m/${name}`,
    file: `/m/${name}/migration.sql`,
    script,
    checksum: migrationChecksum(script),
    down: down === undefined ? undefined : { file: `/m/${name}/down.sql`, script: down },
  };
}

let next = 0;
function row(migration: LocalMigration | string, fields: Partial<MigrationRow> = {}): MigrationRow {
  const name = typeof migration === 'string' ? migration : migration.name;
  next += 1;
  return {
    id: `id-${next}`,
    checksum: typeof migration === 'string' ? migrationChecksum(name) : migration.checksum,
    finishedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, next)),
    migrationName: name,
    logs: null,
    rolledBackAt: null,
    startedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, next)),
    appliedStepsCount: 1,
    ...fields,
  };
}

describe('computeStatus', () => {
  it('reports applied and pending migrations in folder order', () => {
    const [a, b] = [local('1_a', undefined, 'DROP TABLE a;'), local('2_b')];
    const entries = computeStatus([a, b], [row(a)]);
    expect(entries.map(({ name, state, hasDown }) => ({ name, state, hasDown }))).toEqual([
      { name: '1_a', state: 'applied', hasDown: true },
      { name: '2_b', state: 'pending', hasDown: false },
    ]);
  });

  it('reports an unfinished, not rolled back row as failed with its logs', () => {
    const a = local('1_a');
    const [entry] = computeStatus([a], [row(a, { finishedAt: null, logs: 'syntax error', appliedStepsCount: 0 })]);
    expect(entry).toMatchObject({ state: 'failed', logs: 'syntax error' });
  });

  it('reports a migration whose rows are all rolled back as pending, as `prisma migrate deploy` re-applies it', () => {
    const a = local('1_a');
    const rolledBack = new Date(Date.UTC(2024, 1, 1));
    expect(computeStatus([a], [row(a, { rolledBackAt: rolledBack })])[0]?.state).toBe('pending');
    expect(computeStatus([a], [row(a, { finishedAt: null, rolledBackAt: rolledBack })])[0]?.state).toBe('pending');
  });

  it('reports an edited migration as a checksum mismatch, with both checksums', () => {
    const applied = local('1_a', 'SELECT 1;\n');
    const edited = local('1_a', 'SELECT 2;\n');
    const [entry] = computeStatus([edited], [row(applied)]);
    expect(entry).toMatchObject({ state: 'checksumMismatch', localChecksum: edited.checksum, appliedChecksum: applied.checksum });
  });

  it('does not call a CRLF checkout of the same migration edited', () => {
    const lf = local('1_a', 'SELECT 1;\nSELECT 2;\n');
    const crlf = local('1_a', 'SELECT 1;\r\nSELECT 2;\r\n');
    expect(computeStatus([crlf], [row(lf)])[0]?.state).toBe('applied');
  });

  it('lists applied migrations whose folder is gone as missing locally, after the local ones', () => {
    const a = local('1_a');
    const entries = computeStatus([a], [row('0_gone'), row(a)]);
    expect(entries.map(({ name, state }) => [name, state])).toEqual([
      ['1_a', 'applied'],
      ['0_gone', 'missingLocally'],
    ]);
  });

  describe('a rollback that failed halfway', () => {
    const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));
    function entry(name: string, outcome: RollbackHistoryEntry['outcome'], when: Date): RollbackHistoryEntry {
      return {
        id: `h-${name}-${when.getTime()}`,
        migrationName: name,
        outcome,
        checksum: 'c',
        downChecksum: 'd',
        appliedAt: null,
        rolledBackAt: when,
        durationMs: 1,
        removedRows: [],
        statementsDone: outcome === 'failedHalfway' ? ['DROP TABLE t6b'] : [],
        logs: outcome === 'failedHalfway' ? 'boom' : null,
      };
    }

    it('marks the applied migration rollbackFailed, with what took effect and the error', () => {
      const a = local('1_a');
      const [status] = computeStatus([a], [row(a, { finishedAt: at(1) })], [entry('1_a', 'failedHalfway', at(2))]);
      expect(status).toMatchObject({ state: 'rollbackFailed', rollbackStatementsDone: ['DROP TABLE t6b'], logs: 'boom' });
    });

    it('is superseded by a later finished rollback and by a later apply', () => {
      const a = local('1_a');
      expect(computeStatus([a], [row(a, { finishedAt: at(1) })], [entry('1_a', 'failedHalfway', at(2)), entry('1_a', 'rolledBack', at(3))])[0]?.state).toBe('applied');
      expect(computeStatus([a], [row(a, { finishedAt: at(5) })], [entry('1_a', 'failedHalfway', at(2))])[0]?.state).toBe('applied');
      expect(computeStatus([a], [], [entry('1_a', 'failedHalfway', at(2))])[0]?.state).toBe('pending');
    });
  });
});
