// A closed-loop HTTP load generator that records every request (start, end, status), so the
// fault benchmarks can say exactly when the first 503 or the first 200 came, and which requests hung.
import http from 'node:http';
import { sleep } from './stats.mjs';

/**
 * One GET of `requestPath` (a path, or a function returning the next one), recorded (start, end, status, or the error code). With no answer within `timeoutMs` it
 * is destroyed and recorded as `hung`. Never rejects.
 */
function timedGet({ port, requestPath, agent, timeoutMs }) {
  const path = typeof requestPath === 'function' ? requestPath() : requestPath;
  return new Promise((resolve) => {
    const record = { start: performance.now(), end: 0, status: 0, error: undefined, hung: false };
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        record.end = performance.now();
        record.status = res.statusCode;
        resolve(record);
      });
      res.on('error', (error) => {
        record.end = performance.now();
        record.error = error.code ?? error.message;
        resolve(record);
      });
    });
    req.setTimeout(timeoutMs, () => {
      record.hung = true;
      req.destroy(new Error('timeout'));
    });
    req.on('error', (error) => {
      if (record.end) return;
      record.end = performance.now();
      record.error = record.hung ? 'hung' : (error.code ?? error.message);
      resolve(record);
    });
  });
}

/**
 * `concurrency` loops each send GET requests one after another until `stop()` (or `maxMs`).
 * A request with no answer within `timeoutMs` is destroyed and recorded as `hung`.
 * Loop errors (connection refused, reset) are recorded with `status: 0` and the error code.
 */
export function startLoad({ port, path: requestPath, concurrency, timeoutMs = 10_000, maxMs = 60_000, pauseMs = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const records = [];
  let running = true;
  const deadline = performance.now() + maxMs;

  const once = () => timedGet({ port, requestPath, agent, timeoutMs });

  const loops = Array.from({ length: concurrency }, async () => {
    while (running && performance.now() < deadline) {
      records.push(await once());
      if (pauseMs) await sleep(pauseMs);
    }
  });
  const done = Promise.all(loops);
  return {
    records,
    /** Stops the loops after their current request and waits for them (bounded by the request timeout). */
    async stop() {
      running = false;
      await done;
      agent.destroy();
      return records;
    },
  };
}

/**
 * Open-loop load: a new request every `everyMs` whatever happened to the earlier ones (at most
 * `maxInFlight` at once, bounded by `maxMs`), so requests stuck on a dead database do not stop new
 * ones from arriving, and latencies carry no queueing behind the generator's own earlier requests.
 */
export function startOpenLoad({ port, path: requestPath, everyMs = 5, maxInFlight = 200, timeoutMs = 10_000, maxMs = 60_000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const records = [];
  const pending = new Set();
  let skipped = 0;
  const started = performance.now();
  const send = () => {
    if (pending.size >= maxInFlight) return void skipped++;
    const done = timedGet({ port, requestPath, agent, timeoutMs });
    pending.add(done);
    done.then((record) => {
      pending.delete(done);
      records.push(record);
    });
  };
  const timer = setInterval(() => {
    if (performance.now() - started > maxMs) clearInterval(timer);
    else send();
  }, everyMs);
  return {
    records,
    get skipped() {
      return skipped;
    },
    /** Stops sending and waits for the requests in flight (each bounded by `timeoutMs`). */
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return records;
    },
  };
}
