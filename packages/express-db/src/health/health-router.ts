import type { DatabaseStatus, KustoDb } from '@kusto/db';
import type { Request, RequestHandler, Response } from 'express';
import { publicDetail } from '../errors/configuration-response.js';
import { managerFrom } from '../resolve-manager.js';
import { ReadinessGate } from './readiness-gate.js';
import { describeReplicas, replicaReadiness } from './replicas.js';
import { roundMs } from './milliseconds.js';

/** A Prometheus registry, as prom-client's `Registry` is: only what serving `/metrics` needs. */
export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface HealthRouterOptions {
  /** Default: the `kusto.db` instance. */
  readonly manager?: KustoDb;
  /** Liveness path: 200 while the process serves HTTP; never touches a database. Default `/healthz`. */
  readonly livenessPath?: string;
  /** Readiness path: 200 when every database answers, else 503. Default `/readyz`. */
  readonly readinessPath?: string;
  /** Per-database detail path, or `false` to leave it out (public endpoints). Default `/health/db`. */
  readonly detailPath?: string | false;
  /** Databases readiness requires. Default: all the manager knows. */
  readonly databases?: readonly string[];
  /** Bound on each database's readiness check. Default 2 000 ms. */
  readonly timeoutMs?: number;
  /** Include per-database state and latency in the readiness body. Default true. */
  readonly detail?: boolean;
  /**
   * Include each database's redacted target (host, port, name; never the password), its variable
   * name and its last error (driver messages name hosts) in the detail. Default false.
   */
  readonly showTargets?: boolean;
  /** Serve this registry at `metricsPath`. Default: no metrics endpoint. */
  readonly metrics?: MetricsRegistry;
  /** Default `/metrics`. */
  readonly metricsPath?: string;
  /** Shared with `installGracefulShutdown` so readiness turns 503 when shutdown starts. Default: a new gate. */
  readonly readiness?: ReadinessGate;
}

export const DEFAULT_HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz', detail: '/health/db', metrics: '/metrics' } as const;
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

/** A health handler that also exposes the readiness gate it reads. */
export type HealthRouter = RequestHandler & { readonly readiness: ReadinessGate };

function describe(status: DatabaseStatus, showTargets: boolean) {
  return {
    state: status.state,
    provider: status.provider,
    latencyMs: roundMs(status.lastLatencyMs),
    lastCheckAt: status.lastCheckAt,
    consecutiveFailures: status.consecutiveFailures,
    reconnectCount: status.reconnectCount,
    circuitOpenCount: status.circuitOpenCount,
    retryAfterMs: roundMs(status.retryAfterMs),
    pool: status.pool,
    // Which variable to set is no secret, and the first thing to know about a database that never starts.
    ...(status.urlSet ? {} : { missingVariable: status.envVar }),
    // Driver messages name hosts ("Can't reach database server at db.internal:5432"): only with targets.
    ...(showTargets ? { envVar: status.envVar, target: status.target, lastError: status.lastError } : {}),
    ...describeReplicas(status, showTargets),
  };
}

/**
 * Liveness, readiness, database detail and (optionally) metrics, as one middleware that answers
 * GET/HEAD on its paths and passes everything else on. Plain middleware rather than an Express
 * `Router`, so it behaves the same in Express 4 and 5.
 */
export function createHealthRouter(options: HealthRouterOptions = {}): HealthRouter {
  const getManager = managerFrom(options.manager);
  const readiness = options.readiness ?? new ReadinessGate();
  const paths = {
    liveness: options.livenessPath ?? DEFAULT_HEALTH_PATHS.liveness,
    readiness: options.readinessPath ?? DEFAULT_HEALTH_PATHS.readiness,
    detail: options.detailPath === undefined ? DEFAULT_HEALTH_PATHS.detail : options.detailPath,
    metrics: options.metrics ? (options.metricsPath ?? DEFAULT_HEALTH_PATHS.metrics) : false,
  };
  const showTargets = options.showTargets ?? false;
  const includeDetail = options.detail ?? true;

  const ready = async (res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!readiness.open) {
      res.status(503).json({ status: 'draining', reason: readiness.closedReason });
      return;
    }
    const manager = getManager();
    const databases = options.databases ?? manager.names();
    const report = await manager.healthCheck({ databases, timeoutMs: options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS });
    const body: Record<string, unknown> = { status: report.healthy ? 'ok' : 'unavailable' };
    if (includeDetail) {
      body.databases = Object.fromEntries(
        Object.entries(report.databases).map(([name, health]) => [
          name,
          {
            healthy: health.healthy,
            state: health.state,
            latencyMs: roundMs(health.latencyMs),
            ...(health.healthy ? {} : { retryAfterMs: roundMs(health.retryAfterMs) }),
            // Why, as a kind (`connection`, `timeout`, `auth`, `readOnly`…): driver messages name hosts.
            ...(health.failure ? { failure: health.failure } : {}),
            // A configuration mistake says what to change (its message names no host or secret).
            ...(health.configurationError ? { configurationError: health.configurationError, reason: health.error === undefined ? undefined : publicDetail(health.error) } : {}),
            ...(health.configurationError === 'MISSING_URL' ? { missingVariable: manager.statusOf(name).envVar } : {}),
            ...(showTargets ? { target: manager.statusOf(name).target } : {}),
            ...replicaReadiness(health, showTargets ? manager.statusOf(name).replicas : undefined),
          },
        ]),
      );
    }
    res.status(report.healthy ? 200 : 503).json(body);
  };

  const detail = (res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const statuses = getManager().status();
    res.status(200).json({ databases: Object.fromEntries(statuses.map((s) => [s.name, describe(s, showTargets)])) });
  };

  const metrics = async (res: Response) => {
    const registry = options.metrics!;
    const text = await registry.metrics();
    res.setHeader('Content-Type', registry.contentType);
    res.status(200).send(text);
  };

  const handler = (req: Request, res: Response, next: (error?: unknown) => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const route = req.path;
    let work: Promise<void> | void;
    try {
      if (route === paths.liveness) work = void res.status(200).json({ status: 'ok' });
      else if (route === paths.readiness) work = ready(res);
      else if (paths.detail !== false && route === paths.detail) work = detail(res);
      else if (paths.metrics !== false && route === paths.metrics) work = metrics(res);
      else return next();
    } catch (error) {
      return next(error);
    }
    if (work) work.catch(next);
  };
  return Object.assign(handler, { readiness });
}
