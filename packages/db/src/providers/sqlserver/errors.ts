import type { FailureKind } from '../../connection/classify-error.js';

/**
 * `mssql`/tedious error codes (https://tediousjs.github.io/node-mssql/#errors): ESOCKET,
 * ECONNCLOSED, ENOTOPEN, EINSTLOOKUP → connection; ETIMEOUT → timeout; ELOGIN → auth.
 */
const DRIVER_CODES: Readonly<Record<string, FailureKind>> = {
  ESOCKET: 'connection',
  ECONNCLOSED: 'connection',
  ENOTOPEN: 'connection',
  EINSTLOOKUP: 'connection',
  ETIMEOUT: 'timeout',
  ELOGIN: 'auth',
};

/**
 * SQL Server error numbers (sys.messages): 18456 login failed, 18452/18486/18487/18488 login
 * refused or password expired → auth; 4060 cannot open the database, 40613 database not
 * currently available (Azure), 233/10053/10054 transport errors, 6005 shutdown in progress →
 * connection; 3906 read-only database → read-only.
 */
const SERVER_NUMBERS: Readonly<Record<number, FailureKind>> = {
  18456: 'auth',
  18452: 'auth',
  18486: 'auth',
  18487: 'auth',
  18488: 'auth',
  4060: 'connection',
  40613: 'connection',
  233: 'connection',
  10053: 'connection',
  10054: 'connection',
  6005: 'connection',
  3906: 'readOnly',
};

/** An `mssql` error (`code`), a server error (`number`), or the adapter's `{ kind: 'mssql', code }`. Untested against a real server. */
export function classifySqlServerError(value: Readonly<Record<string, unknown>>): FailureKind | undefined {
  if (typeof value.code === 'string' && value.code in DRIVER_CODES) return DRIVER_CODES[value.code];
  const number = value.kind === 'mssql' ? value.code : value.number;
  if (typeof number === 'number') return SERVER_NUMBERS[number];
  return undefined;
}
