import { createRequire } from 'node:module';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { clientModule } from '../discovery/client-module.js';
import type { DatabaseFolder } from '../discovery/discover.js';
import { ClientNotGeneratedError } from '../errors.js';

/** The part of a generated `PrismaClient` the manager itself uses. */
export interface PrismaClientLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type PrismaClientConstructor = new (options: { adapter: SqlDriverAdapterFactory }) => PrismaClientLike;

/**
 * Loads the `PrismaClient` class generated for a database (`prisma-client-js` output, CommonJS),
 * so it works for ESM and CommonJS callers alike.
 */
export function loadPrismaClient(database: string, folder: Pick<DatabaseFolder, 'clientDir'>): PrismaClientConstructor {
  const { clientDir } = folder;
  const { file: entry, generated } = clientModule(folder);
  if (!generated) throw new ClientNotGeneratedError(database, clientDir);
  let exported: { PrismaClient?: unknown };
  try {
    exported = createRequire(entry)(entry) as { PrismaClient?: unknown };
  } catch (cause) {
    throw new ClientNotGeneratedError(database, clientDir, { cause });
  }
  if (typeof exported.PrismaClient !== 'function') throw new ClientNotGeneratedError(database, clientDir);
  return exported.PrismaClient as PrismaClientConstructor;
}
