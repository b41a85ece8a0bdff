import { expect, test } from '@jest/globals';
import { classifyError, isConnectionFailure } from './classify-error.js';
import { HealthCheckTimeoutError } from './health-check.js';

// Shapes as Prisma 7 and pg produce them (see shared/ENVIRONMENT.md): codes and kinds, never messages.
const prismaKnown = (code: string, meta?: object) => Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code, meta });

test.each([
  ['P1001 can\'t reach server', prismaKnown('P1001'), 'connection'],
  ['P1017 server closed the connection', prismaKnown('P1017'), 'connection'],
  ['P1003 database does not exist', prismaKnown('P1003'), 'connection'],
  ['P1000 authentication failed', prismaKnown('P1000'), 'auth'],
  ['P1002 timed out', prismaKnown('P1002'), 'timeout'],
  ['P2010 wrapping DatabaseNotReachable', prismaKnown('P2010', { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } }), 'connection'],
  ['P2010 wrapping a syntax error', prismaKnown('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '42601' } } }), 'query'],
  ['P2002 unique violation', prismaKnown('P2002'), 'query'],
  ['adapter error 57P01 admin shutdown', { kind: 'postgres', code: '57P01' }, 'connection'],
  ['adapter error 57P05 idle_session_timeout', { kind: 'postgres', code: '57P05' }, 'connection'],
  ['pg SQLSTATE 57P05 on the pool\'s error event', Object.assign(new Error('terminating connection due to idle-session timeout'), { code: '57P05' }), 'connection'],
  ['pg SQLSTATE 25P03 idle-in-transaction timeout', Object.assign(new Error('x'), { code: '25P03' }), 'connection'],
  ['adapter error 25006 read-only transaction', { kind: 'postgres', code: '25006' }, 'readOnly'],
  ['P2010 wrapping 25006', prismaKnown('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '25006' } } }), 'readOnly'],
  ['adapter AuthenticationFailed', { kind: 'AuthenticationFailed' }, 'auth'],
  ['adapter SocketTimeout', { kind: 'SocketTimeout' }, 'timeout'],
  ['pg ECONNREFUSED', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'connection'],
  ['pg SQLSTATE 08006', Object.assign(new Error('x'), { code: '08006' }), 'connection'],
  ['pg SQLSTATE 28P01', Object.assign(new Error('x'), { code: '28P01' }), 'auth'],
  ['cause chain', new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) }), 'connection'],
  ['our health-check timeout', new HealthCheckTimeoutError(100), 'timeout'],
  ['our DatabaseUnavailableError', { code: 'DATABASE_UNAVAILABLE' }, 'connection'],
  ['a plain error', new Error('Connection refused, but only in the message'), 'query'],
  ['not an error at all', 'boom', 'query'],
])('%s → %s', (_label, error, kind) => {
  expect(classifyError(error)).toBe(kind);
  expect(isConnectionFailure(error)).toBe(kind !== 'query');
});
