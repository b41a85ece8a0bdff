import { describe, expect, it } from '@jest/globals';
import { printable } from './printable.js';

describe('printable', () => {
  it('keeps ordinary names, non-ASCII letters included', () => {
    expect(printable('20240101000000_init')).toBe('20240101000000_init');
    expect(printable('20240101000000_käse_日本')).toBe('20240101000000_käse_日本');
  });

  it('escapes what a terminal would act on: newlines, escape sequences, DEL, C1, bidi overrides', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\u001b[2J\u001b[31mred')).toBe('\\x1b[2J\\x1b[31mred');
    expect(printable('x\u007f\u009by')).toBe('x\\x7f\\x9by');
    expect(printable('evil\u202etxt.sql\u2028')).toBe('evil\\u202etxt.sql\\u2028');
  });
});
