import { describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeAddonNotFoundError } from '../../errors.js';
import { BETTER_SQLITE3_ADDON, betterSqliteNativeBinding, type BetterSqlite3Database } from './native-binding.js';

/** A better-sqlite3 stand-in that opens only with the addon at `works` (undefined: its own lookup works). */
function fakeDatabase(works: string | undefined, opened: (string | undefined)[] = []): BetterSqlite3Database {
  return class {
    constructor(_file: string, options: { nativeBinding?: string } = {}) {
      opened.push(options.nativeBinding);
      if (options.nativeBinding !== works) {
        // What the `bindings` package does in an ES module bundle before it throws.
        Error.prepareStackTrace = () => {
          throw new ReferenceError('__filename is not defined');
        };
        throw new Error('Could not locate the bindings file');
      }
    }
    close() {}
  };
}

function folderWithAddon(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-addon-'));
  fs.writeFileSync(path.join(dir, BETTER_SQLITE3_ADDON), '');
  return dir;
}

describe('betterSqliteNativeBinding', () => {
  test('undefined when better-sqlite3 finds its own addon (installed or traced)', () => {
    expect(betterSqliteNativeBinding('cache', fakeDatabase(undefined), { script: undefined, folders: [] })).toBeUndefined();
  });

  test('a bundle: the copy beside the entry script, probed once per process', () => {
    const dir = folderWithAddon();
    const addon = path.join(dir, BETTER_SQLITE3_ADDON);
    const opened: (string | undefined)[] = [];
    const Database = fakeDatabase(addon, opened);
    expect(betterSqliteNativeBinding('cache', Database, { script: path.join(dir, 'server.mjs'), folders: [] })).toBe(addon);
    expect(betterSqliteNativeBinding('cache', Database, { script: path.join(dir, 'server.mjs'), folders: [] })).toBe(addon);
    expect(opened).toEqual([undefined, addon]);
  });

  test('a function platform: the copy in its root folder', () => {
    const dir = folderWithAddon();
    const addon = path.join(dir, BETTER_SQLITE3_ADDON);
    expect(betterSqliteNativeBinding('cache', fakeDatabase(addon), { script: '/var/runtime/index.mjs', folders: [dir] })).toBe(addon);
  });

  test('no copy anywhere: a configuration error that says where to put it', () => {
    const call = () => betterSqliteNativeBinding('cache', fakeDatabase('/nowhere'), { script: '/srv/fn/index.mjs', folders: ['/srv/fn'] });
    expect(call).toThrow(NativeAddonNotFoundError);
    expect(call).toThrow(`Copy it from node_modules/better-sqlite3/build/Release/better_sqlite3.node beside your bundle (looked in: ${path.join('/srv/fn', BETTER_SQLITE3_ADDON)})`);
  });

  test('the stack-trace hook a failed lookup leaves behind is put back', () => {
    const before = Error.prepareStackTrace;
    const dir = folderWithAddon();
    betterSqliteNativeBinding('cache', fakeDatabase(path.join(dir, BETTER_SQLITE3_ADDON)), { script: undefined, folders: [dir] });
    expect(Error.prepareStackTrace).toBe(before);
    expect(() => new Error('still works').stack).not.toThrow();
  });
});
