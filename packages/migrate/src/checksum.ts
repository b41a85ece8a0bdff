import { createHash } from 'node:crypto';

/**
 * The checksum Prisma stores in `_prisma_migrations.checksum`: SHA-256 of the `migration.sql`
 * text, as 64 lower-case, zero-padded hex digits. Source: prisma/prisma-engines
 * `schema-engine/connectors/schema-connector/src/checksum.rs` (`compute_checksum`,
 * `format_checksum`; `CHECKSUM_STR_LEN = 64`), used by `record_migration_started` in
 * `schema-engine/connectors/schema-connector/src/migration_persistence.rs`.
 */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * The unpadded hex form (each byte `{:x}`, so `0a` becomes `a`) that an old schema engine wrote;
 * Prisma still accepts it when the stored checksum is not 64 characters long
 * (prisma/prisma-engines `checksum.rs`, `format_checksum_old`, prisma-engines issue #1887).
 */
function legacyChecksum(script: string): string {
  return [...createHash('sha256').update(script, 'utf8').digest()].map((byte) => byte.toString(16)).join('');
}

/**
 * Whether `script` matches a stored checksum the way Prisma decides it
 * (`script_matches_checksum` in prisma/prisma-engines `checksum.rs`): the script as is, with CRLF
 * turned into LF, or with LF turned into CRLF (git may change line endings on checkout); and the
 * legacy unpadded form when the stored value is not 64 characters long.
 */
export function checksumMatches(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  const render = checksum !== '' && checksum.length !== 64 ? legacyChecksum : migrationChecksum;
  return variants.some((variant) => render(variant) === checksum);
}
