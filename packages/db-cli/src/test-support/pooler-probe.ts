// A pooler probe for tests whose URLs lead nowhere (argument resolution, fake Prisma): it answers
// without touching the network and records what it was asked. The real probe has its own tests.
import type { PoolerProbeResult, PoolerVerdict } from '@kusto/migrate';
import type { PoolerProbe } from '../targets/connection-url.js';

export function stubPoolerProbe(verdict: PoolerVerdict = 'direct', connected = true): PoolerProbe & { readonly asked: string[] } {
  const asked: string[] = [];
  const probe = (url: string) => {
    asked.push(url);
    return Promise.resolve<PoolerProbeResult>({ verdict, reason: `stub: ${verdict}`, connected, rounds: [], durationMs: 0 });
  };
  return Object.assign(probe, { asked });
}
