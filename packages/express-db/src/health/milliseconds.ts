/** A duration for a JSON answer: whole milliseconds, or 0.1 ms below 10 ms (`540.42259…` → 540). */
export function roundMs(value: number): number;
export function roundMs(value: number | undefined): number | undefined;
export function roundMs(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return value;
  return Math.abs(value) < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}
