import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTH_DEFAULTS, PROFILE_DEFAULTS } from './defaults.js';

// The TSDoc of each option states its default; this keeps the words and the constants together.
const optionsSource = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'options.ts'), 'utf8');

function docOf(option: string): string {
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${option}\\?`).exec(optionsSource);
  if (!match?.[1]) throw new Error(`no TSDoc for ${option}`);
  return match[1].replace(/\s*\*\s*/g, ' ');
}

const ms = (value: number) => `${value.toLocaleString('en-US').replaceAll(',', ' ')}`;

test.each(Object.entries(HEALTH_DEFAULTS))('documented default of %s is %d', (option, value) => {
  expect(docOf(option)).toContain(`Default ${ms(value)}`);
});

test.each([
  ['checkIntervalMs', PROFILE_DEFAULTS.traditional.checkIntervalMs, PROFILE_DEFAULTS.serverless.checkIntervalMs],
  ['maxRetries', PROFILE_DEFAULTS.traditional.maxRetries, PROFILE_DEFAULTS.serverless.maxRetries],
  ['max', PROFILE_DEFAULTS.traditional.pool.max, PROFILE_DEFAULTS.serverless.pool.max],
  ['idleTimeoutMillis', PROFILE_DEFAULTS.traditional.pool.idleTimeoutMillis, PROFILE_DEFAULTS.serverless.pool.idleTimeoutMillis],
  ['allowExitOnIdle', PROFILE_DEFAULTS.traditional.pool.allowExitOnIdle, PROFILE_DEFAULTS.serverless.pool.allowExitOnIdle],
])('documented profile defaults of %s', (option, traditional, serverless) => {
  const doc = docOf(option);
  const format = (value: number | boolean) => (typeof value === 'number' ? ms(value) : String(value));
  expect(doc).toMatch(new RegExp(`Default ${format(traditional)}( ms)? \\(traditional\\), ${format(serverless)}( ms)? \\(serverless\\)`));
});

test('pool defaults shared by both profiles are documented', () => {
  expect(docOf('connectionTimeoutMillis')).toContain(`Default ${ms(PROFILE_DEFAULTS.traditional.pool.connectionTimeoutMillis)} ms`);
  expect(docOf('keepAlive')).toContain(`Default ${String(PROFILE_DEFAULTS.traditional.pool.keepAlive)}`);
  expect(docOf('min')).toContain(`Default ${PROFILE_DEFAULTS.traditional.pool.min}`);
  expect(docOf('queryTimeoutMillis')).toContain(`Default ${ms(PROFILE_DEFAULTS.traditional.pool.queryTimeoutMillis)} ms`);
  expect(PROFILE_DEFAULTS.serverless.pool.queryTimeoutMillis).toBe(PROFILE_DEFAULTS.traditional.pool.queryTimeoutMillis);
  expect(PROFILE_DEFAULTS.serverless.continueOnFailure).toBe(false);
  expect(PROFILE_DEFAULTS.traditional.continueOnFailure).toBe(true);
});
