import { mysqlProvider } from './mysql/index.js';
import { postgresProvider } from './postgres/index.js';
import type { DatabaseProvider } from './provider.js';
import { sqliteProvider } from './sqlite/index.js';
import { sqlserverProvider } from './sqlserver/index.js';

export type { BuiltAdapter, DatabaseProvider, PoolStats, ProviderRequest } from './provider.js';

/** Every provider with a built-in driver adapter. */
export const PROVIDERS: readonly DatabaseProvider[] = [postgresProvider, mysqlProvider, sqliteProvider, sqlserverProvider];

const BY_PRISMA_PROVIDER = new Map(PROVIDERS.flatMap((provider) => provider.prismaProviders.map((name) => [name, provider] as const)));

/** The provider serving a `schema.prisma` datasource provider, or `undefined` when none is built in. */
export function providerFor(prismaProvider: string): DatabaseProvider | undefined {
  return BY_PRISMA_PROVIDER.get(prismaProvider);
}

/** Which package serves each datasource provider. */
export const ADAPTER_PACKAGES: Readonly<Record<string, string>> = Object.fromEntries(
  PROVIDERS.flatMap((provider) => provider.prismaProviders.map((name) => [name, provider.adapterPackage])),
);
