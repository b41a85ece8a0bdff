import { describe, expect, test } from '@jest/globals';
import { InvalidDatabaseNameError } from '../errors.js';
import { assertDatabaseName, envVarForDatabase, readEnvVarForDatabase } from './database-name.js';

describe('envVarForDatabase', () => {
  test.each([
    ['user', 'RDS_USER_URL'],
    ['analyticsEvents', 'RDS_ANALYTICS_EVENTS_URL'],
    ['read-replica', 'RDS_READ_REPLICA_URL'],
    ['temporary', 'RDS_TEMPORARY_URL'],
    ['HTTPLogs', 'RDS_HTTP_LOGS_URL'],
    ['db2', 'RDS_DB2_URL'],
    ['snake_case', 'RDS_SNAKE_CASE_URL'],
  ])('%s → %s', (name, expected) => {
    expect(envVarForDatabase(name)).toBe(expected);
  });

  test('takes another suffix for related variables', () => {
    expect(envVarForDatabase('user', 'DIRECT_URL')).toBe('RDS_USER_DIRECT_URL');
  });

  test('read replicas: RDS_<NAME>_READ_URL', () => {
    expect(readEnvVarForDatabase('user')).toBe('RDS_USER_READ_URL');
    expect(readEnvVarForDatabase('analyticsEvents')).toBe('RDS_ANALYTICS_EVENTS_READ_URL');
  });
});

describe('assertDatabaseName', () => {
  test.each([
    ['', /it is empty/],
    ['..', /refers to a folder/],
    ['a/b', /path separator/],
    ['a\\b', /path separator/],
    ['9lives', /must start with a letter/],
    ['has space', /only letters, digits/],
  ])('rejects %j', (name, reason) => {
    expect(() => assertDatabaseName(name)).toThrow(InvalidDatabaseNameError);
    expect(() => assertDatabaseName(name)).toThrow(reason);
  });

  test('accepts names made of letters, digits, _ and -', () => {
    for (const name of ['user', 'analyticsEvents', 'read-replica', 'a_1']) {
      expect(() => assertDatabaseName(name)).not.toThrow();
    }
  });
});
