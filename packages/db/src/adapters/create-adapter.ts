import { UnsupportedProviderError } from '../errors.js';
import type { AdapterFactory } from '../options.js';
import { providerFor } from '../providers/index.js';
import type { BuiltAdapter, ProviderRequest } from '../providers/provider.js';
import type { ModuleLoader } from './module-loader.js';

export type { BuiltAdapter, PoolStats } from '../providers/provider.js';
export { ADAPTER_PACKAGES } from '../providers/index.js';
export { DISPOSE_GRACE_MS } from '../providers/dispose.js';

export interface AdapterRequest extends ProviderRequest {
  readonly custom: AdapterFactory | undefined;
}

/** The driver adapter for a database: the user's factory, else the provider's Prisma adapter (see `providers/`). */
export function createAdapter(request: AdapterRequest, loader: ModuleLoader): BuiltAdapter {
  if (request.custom) {
    const factory = request.custom({
      database: request.database,
      provider: request.provider,
      url: request.url,
      pool: request.pool,
      onConnectionError: request.onConnectionError,
    });
    return { factory, stats: () => undefined, dispose: () => Promise.resolve() };
  }
  const provider = providerFor(request.provider);
  if (!provider) throw new UnsupportedProviderError(request.database, request.provider);
  return {
    healthCheck: { sql: provider.healthCheckSql },
    ...(provider.primaryHealthCheck ? { primaryHealthCheck: provider.primaryHealthCheck } : {}),
    ...provider.build(request, loader),
  };
}
