import { RollbackTargetError } from './errors.js';

/**
 * Which migrations a rollback reverts:
 * - `{ steps: n }`: the `n` newest applied migrations;
 * - `{ to: name }`: every applied migration newer than `name`, which stays applied and becomes the
 *   newest (Kysely's `migrateTo` and Liquibase's rollback-to-tag read it the same way). `name` is
 *   the exact folder name, or a unique prefix or part of it (e.g. its timestamp).
 */
export type RollbackTarget = { readonly steps: number } | { readonly to: string };

/**
 * The applied migrations (given oldest first) that `target` selects, newest first. Throws
 * {@link RollbackTargetError} listing the candidates when the target is unknown, ambiguous or out
 * of range; the rollback turns that into a refused result.
 */
export function resolveRollbackTarget(database: string, applied: readonly string[], target: RollbackTarget): string[] {
  if ('steps' in target) {
    const { steps } = target;
    if (!Number.isInteger(steps) || steps < 1) throw new RollbackTargetError(database, String(steps), 'invalid', applied);
    if (steps > applied.length) throw new RollbackTargetError(database, String(steps), 'out-of-range', applied);
    return applied.slice(applied.length - steps).reverse();
  }
  const wanted = target.to;
  let index = applied.indexOf(wanted);
  if (index === -1) {
    const matches = applied.filter((name) => name.startsWith(wanted));
    const candidates = matches.length > 0 ? matches : applied.filter((name) => wanted !== '' && name.includes(wanted));
    if (candidates.length > 1) throw new RollbackTargetError(database, wanted, 'ambiguous', candidates);
    if (candidates.length === 0) throw new RollbackTargetError(database, wanted, 'unknown', applied);
    index = applied.indexOf(candidates[0]!);
  }
  return applied.slice(index + 1).reverse();
}
