import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MigrationFailedError } from './errors.js';
import { readLocalMigrations, SYMLINK_IGNORED_REASON } from './migration-files.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-migration-files-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function migration(dir: string, name: string): void {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'migration.sql'), 'SELECT 1;\n');
}

describe('readLocalMigrations', () => {
  it('reports a symlinked migration folder as ignored, with the reason, instead of dropping it silently', async () => {
    const dir = path.join(root, 'links');
    migration(dir, '20240101000000_real');
    migration(path.join(root, 'elsewhere'), '20240102000000_linked');
    fs.symlinkSync(path.join(root, 'elsewhere', '20240102000000_linked'), path.join(dir, '20240102000000_linked'));
    const local = await readLocalMigrations(dir);
    expect(local.migrations.map((entry) => entry.name)).toEqual(['20240101000000_real']);
    expect(local.ignored).toEqual([{ name: '20240102000000_linked', reason: SYMLINK_IGNORED_REASON }]);
  });

  it('keeps a name holding a newline and an escape sequence as it is, and messages show it escaped', async () => {
    const dir = path.join(root, 'odd');
    const name = '20240101000000_a\n\u001b[31mb';
    migration(dir, name);
    const local = await readLocalMigrations(dir);
    expect(local.migrations.map((entry) => entry.name)).toEqual([name]);
    const error = new MigrationFailedError('user', name, path.join(dir, name, 'migration.sql'), { statement: 'SELECT 1', statementIndex: 0, line: 1, databaseCode: undefined, databaseMessage: 'boom' }, true);
    expect(error.message).toContain('"20240101000000_a\\n\\x1b[31mb"');
    expect(error.message).not.toContain('\u001b');
    expect(error.message).not.toContain('\n');
  });
});
