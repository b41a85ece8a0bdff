import kleur from 'kleur';

/** The few styles `kusto-db` uses; plain text when colours are off. */
export interface Palette {
  readonly ok: (text: string) => string;
  readonly fail: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const plain = (text: string): string => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { ok: plain, fail: plain, warn: plain, dim: plain, bold: plain };
  return {
    ok: (text) => kleur.green(text),
    fail: (text) => kleur.red(text),
    warn: (text) => kleur.yellow(text),
    dim: (text) => kleur.dim(text),
    bold: (text) => kleur.bold(text),
  };
}
