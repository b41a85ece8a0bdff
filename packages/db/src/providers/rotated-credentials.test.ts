import { describe, expect, it } from '@jest/globals';
import { rotatedUrl, sameTargetOtherCredentials } from './rotated-credentials.js';

const built = 'postgresql://app:old@db.internal:5432/users?sslmode=require';

describe('sameTargetOtherCredentials', () => {
  it('is true when only the password or the user changed', () => {
    expect(sameTargetOtherCredentials(built, 'postgresql://app:new@db.internal:5432/users?sslmode=require')).toBe(true);
    expect(sameTargetOtherCredentials(built, 'postgresql://app2:old@db.internal:5432/users?sslmode=require')).toBe(true);
  });

  it('is false for the same URL, another target, or a URL that does not parse', () => {
    expect(sameTargetOtherCredentials(built, built)).toBe(false);
    expect(sameTargetOtherCredentials(built, 'postgresql://app:new@db2.internal:5432/users?sslmode=require')).toBe(false);
    expect(sameTargetOtherCredentials(built, 'postgresql://app:new@db.internal:5432/orders?sslmode=require')).toBe(false);
    expect(sameTargetOtherCredentials(built, 'postgresql://app:new@db.internal:5432/users')).toBe(false);
    expect(sameTargetOtherCredentials(built, 'not a url')).toBe(false);
  });
});

describe('rotatedUrl', () => {
  it('returns the current URL only when it is the same target with other credentials', () => {
    const rotated = 'postgresql://app:new@db.internal:5432/users?sslmode=require';
    expect(rotatedUrl({ currentUrl: () => rotated }, built)).toBe(rotated);
    expect(rotatedUrl({ currentUrl: () => built }, built)).toBeUndefined();
    expect(rotatedUrl({ currentUrl: () => undefined }, built)).toBeUndefined();
    expect(rotatedUrl({}, built)).toBeUndefined();
  });
});
