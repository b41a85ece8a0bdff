import { expect, test } from '@jest/globals';
import { resolveDirectUrlSource, resolveHealth, resolvePool, resolveReadUrlSource, resolveUrlSource } from './config.js';
import type { DatabaseFolder } from './discovery/discover.js';

const folder = (name: string, urlEnv?: string, configUrlEnv?: string) =>
  ({ name, schema: { urlEnv }, configUrlEnv }) as unknown as DatabaseFolder;

test('pool precedence: profile, then URL parameters, then manager options, then database options', () => {
  expect(resolvePool('serverless', {}, undefined, undefined)).toMatchObject({ max: 2, allowExitOnIdle: true });
  expect(resolvePool('traditional', { max: 4 }, undefined, undefined).max).toBe(4);
  expect(resolvePool('traditional', { max: 4 }, { max: 6 }, undefined).max).toBe(6);
  expect(resolvePool('traditional', { max: 4 }, { max: 6 }, { max: 8, min: undefined }).max).toBe(8);
  expect(resolvePool('traditional', {}, { max: undefined }, undefined).max).toBe(10);
});

test('a zero connect timeout is refused: pg would wait forever', () => {
  expect(() => resolvePool('traditional', {}, { connectionTimeoutMillis: 0 }, undefined)).toThrow(/wait forever/);
});

test('health settings: database over manager over profile default', () => {
  expect(resolveHealth('serverless', {}, undefined).checkIntervalMs).toBe(15_000);
  expect(resolveHealth('traditional', {}, undefined).checkIntervalMs).toBe(60_000);
  expect(resolveHealth('traditional', { checkIntervalMs: 5 }, { checkIntervalMs: 7 }).checkIntervalMs).toBe(7);
  expect(() => resolveHealth('traditional', { cooldownMs: -1 }, undefined)).toThrow(/cooldownMs must be a non-negative/);
});

test('URL source: options.url, then urlEnv, then the schema env("X"), then prisma.config.ts, then RDS_<NAME>_URL', () => {
  const env = { RDS_USER_URL: 'postgresql://a/b', CUSTOM: 'postgresql://c/d', LEGACY: 'postgresql://e/f' };
  expect(resolveUrlSource(folder('user'), undefined, env)).toEqual({ envVar: 'RDS_USER_URL', source: 'RDS_USER_URL', url: 'postgresql://a/b' });
  expect(resolveUrlSource(folder('user', 'LEGACY'), undefined, env).url).toBe('postgresql://e/f');
  expect(resolveUrlSource(folder('user', undefined, 'CUSTOM'), undefined, env).url).toBe('postgresql://c/d');
  expect(resolveUrlSource(folder('user', 'LEGACY', 'CUSTOM'), undefined, env).url).toBe('postgresql://e/f');
  expect(resolveUrlSource(folder('user', 'LEGACY'), { urlEnv: 'CUSTOM' }, env).url).toBe('postgresql://c/d');
  expect(resolveUrlSource(folder('user'), { url: 'postgresql://x/y' }, env)).toMatchObject({ source: 'options', url: 'postgresql://x/y' });
  expect(resolveUrlSource(folder('user'), undefined, { RDS_USER_URL: '' }).url).toBeUndefined();
});

test('direct URL source: options.directUrl, then directUrlEnv, then RDS_<NAME>_DIRECT_URL; empty means unset', () => {
  const env = { RDS_USER_DIRECT_URL: 'postgresql://direct/a', OTHER: 'postgresql://other/b' };
  expect(resolveDirectUrlSource(folder('user'), undefined, env)).toEqual({
    envVar: 'RDS_USER_DIRECT_URL',
    source: 'RDS_USER_DIRECT_URL',
    url: 'postgresql://direct/a',
  });
  expect(resolveDirectUrlSource(folder('user'), { directUrlEnv: 'OTHER' }, env).url).toBe('postgresql://other/b');
  expect(resolveDirectUrlSource(folder('user'), { directUrl: 'postgresql://x/y' }, env)).toMatchObject({ source: 'options', url: 'postgresql://x/y' });
  expect(resolveDirectUrlSource(folder('analyticsEvents'), undefined, {})).toEqual({
    envVar: 'RDS_ANALYTICS_EVENTS_DIRECT_URL',
    source: 'RDS_ANALYTICS_EVENTS_DIRECT_URL',
    url: undefined,
  });
  expect(resolveDirectUrlSource(folder('user'), undefined, { RDS_USER_DIRECT_URL: '' }).url).toBeUndefined();
});

test('read URL source: options.readUrls, then readUrlEnv, then RDS_<NAME>_READ_URL, split into replicas; unset or empty means none', () => {
  const env = { RDS_USER_READ_URL: 'postgresql://r1/a, postgresql://r2/a', REPLICAS: 'postgresql://r3/a' };
  expect(resolveReadUrlSource(folder('user'), undefined, env)).toEqual({
    envVar: 'RDS_USER_READ_URL',
    source: 'RDS_USER_READ_URL',
    urls: ['postgresql://r1/a', 'postgresql://r2/a'],
  });
  expect(resolveReadUrlSource(folder('user'), { readUrlEnv: 'REPLICAS' }, env)).toMatchObject({ envVar: 'REPLICAS', urls: ['postgresql://r3/a'] });
  expect(resolveReadUrlSource(folder('user'), { readUrls: ['postgresql://x/y'] }, env)).toEqual({
    envVar: 'RDS_USER_READ_URL',
    source: 'options',
    urls: ['postgresql://x/y'],
  });
  expect(resolveReadUrlSource(folder('user'), { readUrls: [] }, env).urls).toEqual([]);
  expect(resolveReadUrlSource(folder('analyticsEvents'), undefined, {})).toEqual({
    envVar: 'RDS_ANALYTICS_EVENTS_READ_URL',
    source: 'RDS_ANALYTICS_EVENTS_READ_URL',
    urls: [],
  });
  expect(resolveReadUrlSource(folder('user'), undefined, { RDS_USER_READ_URL: '' }).urls).toEqual([]);
});
