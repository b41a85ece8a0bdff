import { describe, expect, it } from '@jest/globals';
import { RollbackTargetError } from './errors.js';
import { resolveRollbackTarget } from './rollback-target.js';

const applied = ['20240101000000_users', '20240102000000_posts', '20240102120000_post_index', '20240103000000_post_body'];

function failure(target: Parameters<typeof resolveRollbackTarget>[2]): RollbackTargetError {
  try {
    resolveRollbackTarget('user', applied, target);
  } catch (error) {
    if (error instanceof RollbackTargetError) return error;
    throw error;
  }
  throw new Error('expected a RollbackTargetError');
}

describe('resolveRollbackTarget', () => {
  it('takes the newest n applied migrations, newest first', () => {
    expect(resolveRollbackTarget('user', applied, { steps: 2 })).toEqual(['20240103000000_post_body', '20240102120000_post_index']);
  });

  it('reverts everything newer than an exact name, keeping that one', () => {
    expect(resolveRollbackTarget('user', applied, { to: '20240102000000_posts' })).toEqual([
      '20240103000000_post_body',
      '20240102120000_post_index',
    ]);
    expect(resolveRollbackTarget('user', applied, { to: '20240103000000_post_body' })).toEqual([]);
  });

  it('accepts a unique prefix or part of a name', () => {
    expect(resolveRollbackTarget('user', applied, { to: '20240101' })).toHaveLength(3);
    expect(resolveRollbackTarget('user', applied, { to: 'post_index' })).toEqual(['20240103000000_post_body']);
  });

  it('refuses an ambiguous target, listing the matches', () => {
    const error = failure({ to: '20240102' });
    expect(error.reason).toBe('ambiguous');
    expect(error.candidates).toEqual(['20240102000000_posts', '20240102120000_post_index']);
    expect(error.message).toContain('20240102000000_posts, 20240102120000_post_index');
  });

  it('refuses an unknown target, listing the applied migrations', () => {
    const error = failure({ to: 'nope' });
    expect(error.reason).toBe('unknown');
    expect(error.candidates).toEqual(applied);
    expect(error.code).toBe('ROLLBACK_TARGET_INVALID');
  });

  it('refuses more steps than applied, and steps that are not a whole number ≥ 1', () => {
    expect(failure({ steps: 5 }).reason).toBe('out-of-range');
    expect(failure({ steps: 0 }).reason).toBe('invalid');
    expect(failure({ steps: 1.5 }).reason).toBe('invalid');
  });

  it('says how many are applied in agreement with the count', () => {
    expect(new RollbackTargetError('user', '2', 'out-of-range', ['20240101000000_users']).message).toContain(
      'cannot roll back 2 migrations: only 1 is applied (20240101000000_users).',
    );
    expect(new RollbackTargetError('user', '1', 'out-of-range', []).message).toContain('cannot roll back 1 migration: only 0 are applied.');
    expect(failure({ steps: 5 }).message).toContain('cannot roll back 5 migrations: only 4 are applied');
  });
});
