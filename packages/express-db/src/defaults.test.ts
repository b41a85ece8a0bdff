import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ERROR_RETRY_AFTER_MS } from './errors/db-error-handler.js';
import { retryAfterSeconds } from './errors/unavailable-response.js';
import { DEFAULT_HEALTH_PATHS, DEFAULT_READINESS_TIMEOUT_MS } from './health/health-router.js';
import { ReadinessGate } from './health/readiness-gate.js';
import { SHUTDOWN_DEFAULTS } from './shutdown/graceful-shutdown.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = (file: string) => readFileSync(path.join(here, file), 'utf8');
const ms = (value: number) => value.toLocaleString('en-US').replaceAll(',', ' ');

// Each option's TSDoc states its default; these keep the words and the constants together.
test.each([
  ['health/health-router.ts', 'livenessPath', `Default \`${DEFAULT_HEALTH_PATHS.liveness}\``],
  ['health/health-router.ts', 'readinessPath', `Default \`${DEFAULT_HEALTH_PATHS.readiness}\``],
  ['health/health-router.ts', 'detailPath', `Default \`${DEFAULT_HEALTH_PATHS.detail}\``],
  ['health/health-router.ts', 'metricsPath', `Default \`${DEFAULT_HEALTH_PATHS.metrics}\``],
  ['health/health-router.ts', 'timeoutMs', `Default ${ms(DEFAULT_READINESS_TIMEOUT_MS)} ms`],
  ['shutdown/graceful-shutdown.ts', 'drainDelayMs', `Default ${ms(SHUTDOWN_DEFAULTS.drainDelayMs)} ms`],
  ['shutdown/graceful-shutdown.ts', 'timeoutMs', `Default ${ms(SHUTDOWN_DEFAULTS.timeoutMs)} ms`],
  ['shutdown/graceful-shutdown.ts', 'signals', `Default \`['${SHUTDOWN_DEFAULTS.signals.join("', '")}']\``],
  ['errors/db-error-handler.ts', 'retryAfterMs', `Default ${ms(DEFAULT_ERROR_RETRY_AFTER_MS)}`],
])('%s documents the default of %s', (file, option, expected) => {
  const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${option}\\?`).exec(source(file))?.[1];
  expect(doc?.replace(/\s*\*\s*/g, ' ')).toContain(expected);
});

test('Retry-After is whole seconds and never below 1', () => {
  expect(retryAfterSeconds(0)).toBe(1);
  expect(retryAfterSeconds(250)).toBe(1);
  expect(retryAfterSeconds(1_001)).toBe(2);
});

test('the readiness gate closes once, keeping the first reason', () => {
  const gate = new ReadinessGate();
  expect(gate.open).toBe(true);
  gate.close('SIGTERM');
  gate.close('SIGINT');
  expect(gate.open).toBe(false);
  expect(gate.closedReason).toBe('SIGTERM');
});
