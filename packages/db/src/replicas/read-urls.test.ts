import { describe, expect, test } from '@jest/globals';
import { InvalidUrlError } from '../errors.js';
import { parseReadUrls, splitReadUrls } from './read-urls.js';

describe('splitReadUrls', () => {
  test('one URL is one replica', () => {
    expect(splitReadUrls('postgresql://app:pw@replica-1:5432/app')).toEqual(['postgresql://app:pw@replica-1:5432/app']);
  });

  test('commas, whitespace or both separate URLs', () => {
    const a = 'postgresql://app:pw@a:5432/app';
    const b = 'postgres://app:pw@b:5432/app?sslmode=require';
    const c = 'postgresql://app:pw@c/app';
    expect(splitReadUrls(`${a},${b},${c}`)).toEqual([a, b, c]);
    expect(splitReadUrls(`${a} ${b}\n${c}`)).toEqual([a, b, c]);
    expect(splitReadUrls(`  ${a} ,\n\t${b},, ${c} ,`)).toEqual([a, b, c]);
  });

  test('a libpq multi-host comma stays inside its URL', () => {
    const multi = 'postgresql://app:pw@h1:5432,h2:5433/app?target_session_attrs=any';
    expect(splitReadUrls(multi)).toEqual([multi]);
    expect(splitReadUrls(`${multi}, postgresql://app:pw@h3/app`)).toEqual([multi, 'postgresql://app:pw@h3/app']);
  });

  test('unset, empty or blank means no replicas', () => {
    expect(splitReadUrls(undefined)).toEqual([]);
    expect(splitReadUrls('')).toEqual([]);
    expect(splitReadUrls(' , \n')).toEqual([]);
  });
});

describe('parseReadUrls', () => {
  test('valid URLs are parsed like a primary URL (pool parameters read and removed)', () => {
    const [first, second] = parseReadUrls('user', 'postgresql', 'RDS_USER_READ_URL', [
      'postgresql://app:pw@a/app?connection_limit=3',
      'postgresql://app:pw@b/app',
    ]);
    expect(first).toMatchObject({ url: 'postgresql://app:pw@a/app', pool: { max: 3 } });
    expect(second).toMatchObject({ url: 'postgresql://app:pw@b/app', pool: {} });
  });

  test('an invalid URL names the variable and the position, never the URL', () => {
    const error = (() => {
      try {
        parseReadUrls('user', 'postgresql', 'RDS_USER_READ_URL', ['postgresql://app:pw@a/app', 'mysql://app:s3cret-pass@b/app']);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect(error.message).toMatch(/from RDS_USER_READ_URL, replica 2 of 2\)/);
    expect(error.message).toMatch(/does not match provider "postgresql"/);
    expect(error.message).not.toContain('s3cret-pass');
    expect(error.message).not.toContain('mysql://');
  });

  test('text that is not a URL is refused without being echoed', () => {
    const parse = () => parseReadUrls('user', 'postgresql', 'options', ['//app:s3cret-pass@replica-host:5432/app']);
    expect(parse).toThrow(/from options, replica 1 of 1\) is not valid: it does not parse as a URL/);
    expect(parse).not.toThrow(/s3cret-pass|replica-host/);
  });
});
