import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checksumMatches, migrationChecksum } from './checksum.js';

describe('migrationChecksum', () => {
  it('is the zero-padded sha256 hex of the script (the vector of Prisma checksum.rs tests)', () => {
    expect(migrationChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  it('hashes the UTF-8 bytes of the text', () => {
    const script = 'CREATE TABLE "Café" (id int);\n';
    expect(migrationChecksum(script)).toBe(createHash('sha256').update(Buffer.from(script, 'utf8')).digest('hex'));
    expect(migrationChecksum(script)).toHaveLength(64);
  });
});

describe('checksumMatches', () => {
  it('matches the same script and rejects a different one', () => {
    expect(checksumMatches('abc', migrationChecksum('abc'))).toBe(true);
    expect(checksumMatches('abc', migrationChecksum('abcd'))).toBe(false);
    expect(checksumMatches('abc\n', migrationChecksum('abc'))).toBe(false);
  });

  it('ignores LF versus CRLF line endings, both ways', () => {
    const lf = 'ab\ncd\nef\n';
    const crlf = 'ab\r\ncd\r\nef\r\n';
    expect(checksumMatches(lf, migrationChecksum(crlf))).toBe(true);
    expect(checksumMatches(crlf, migrationChecksum(lf))).toBe(true);
  });

  it('accepts the unpadded checksums an old Prisma engine stored', () => {
    // Find a script whose digest has a byte below 0x10, so padding makes a difference.
    let script = 'x';
    while (!createHash('sha256').update(script).digest().some((byte) => byte < 16)) script += 'x';
    const unpadded = [...createHash('sha256').update(script).digest()].map((byte) => byte.toString(16)).join('');
    expect(unpadded.length).toBeLessThan(64);
    expect(checksumMatches(script, unpadded)).toBe(true);
    expect(checksumMatches(`${script}y`, unpadded)).toBe(false);
  });
});
