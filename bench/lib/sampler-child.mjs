// Child process: samples server connections (lib/sampler.mjs) on its own event loop, so a load
// generator that saturates the parent's loop does not stretch the sampling interval. Config as
// JSON in argv[2] ({ adminUrl, database, everyMs }); sends { type: 'ready' } once the first
// sample is taken; on { type: 'stop' } it replies { type: 'samples', samples, failures } and exits.
// Sample times are epoch milliseconds (performance.timeOrigin + performance.now()), comparable
// across processes.
import { startConnectionSampler } from './sampler.mjs';
import { sleep } from './stats.mjs';

const { adminUrl, database, everyMs } = JSON.parse(process.argv[2]);
process.once('disconnect', () => process.exit(0)); // the parent went away (or we are done): stop
const sampler = startConnectionSampler(adminUrl, database, { everyMs });
const deadline = performance.now() + 10_000; // no connection at all: report ready anyway, the parent sees the failures
while (sampler.samples.length === 0 && performance.now() < deadline) await sleep(5);
process.send({ type: 'ready' });
process.once('message', async () => {
  const { samples, failures } = await sampler.stop();
  const epoch = samples.map((s) => ({ at: performance.timeOrigin + s.at, n: s.n }));
  process.send({ type: 'samples', samples: epoch, failures }, () => process.disconnect());
});
