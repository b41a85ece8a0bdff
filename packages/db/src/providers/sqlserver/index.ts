import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { BuiltAdapter, DatabaseProvider } from '../provider.js';
import { classifySqlServerError } from './errors.js';

/**
 * SQL Server through `@prisma/adapter-mssql`, given the URL as is: the adapter owns its pool and
 * our pool options are not mapped onto it. No SQL Server runs here, so this path is not fault-tested.
 */
export const sqlserverProvider: DatabaseProvider = {
  id: 'sqlserver',
  prismaProviders: ['sqlserver'],
  adapterPackage: '@prisma/adapter-mssql',
  driverPackages: [],
  urlSchemes: ['sqlserver:'],
  exampleUrl: 'sqlserver://host:1433;database=name;user=user;password=password',
  build: (request, loader): BuiltAdapter => {
    const { module } = loader.loadAdapter<{ PrismaMssql: new (url: string) => SqlDriverAdapterFactory }>(
      '@prisma/adapter-mssql',
      request.database,
      request.provider,
      'PrismaMssql',
    );
    return { factory: new module.PrismaMssql(request.url), stats: () => undefined, dispose: () => Promise.resolve() };
  },
  classify: classifySqlServerError,
  healthCheckSql: 'SELECT 1',
};
