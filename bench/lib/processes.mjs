// Child processes: the app server, and timed one-shot commands.
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './setup.mjs';

export const LOG_DIR = path.join(BENCH_DIR, '.fixtures', 'logs');

/**
 * Forks lib/app-server.mjs; resolves with { ports, status(), close(), logFile } once it is listening
 * and warm. Its output (Express logs errors it is handed) goes to `.fixtures/logs/<logName>.log`.
 */
export function startAppServer(config, env = {}, logName = 'app-server') {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${logName}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = fork(path.join(BENCH_DIR, 'lib', 'app-server.mjs'), [JSON.stringify(config)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  fs.closeSync(fd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('app server did not start within 30 s'));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`app server exited with ${code} before it was ready`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        logFile,
        ports: message.ports,
        status: () =>
          new Promise((done) => {
            child.once('message', (reply) => done(reply));
            child.send({ type: 'status' });
          }),
        close: () =>
          new Promise((done) => {
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.send({ type: 'close' });
          }),
      });
    });
  });
}

/**
 * Runs a command to completion and returns its wall time (ms, measured here from spawn to exit),
 * exit code and output. Bounded by `timeoutMs`.
 */
export function timedRun(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, signal, out });
    });
  });
}
