/** An error safe to hand out: message scrubbed, only the classification fields kept. */
export function sanitizeError(error: unknown, scrub: (text: string) => string): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const safe = new Error(scrub(source.message));
  safe.name = source.name;
  const record = source as unknown as Record<string, unknown>;
  const meta = record.meta as { driverAdapterError?: { cause?: Record<string, unknown> } } | undefined;
  const adapterCause = meta?.driverAdapterError?.cause;
  for (const [key, value] of [
    ['code', record.code ?? record.errorCode],
    ['kind', record.kind ?? adapterCause?.kind],
    ['originalCode', record.originalCode ?? adapterCause?.originalCode],
  ] as const) {
    if (typeof value === 'string') Object.defineProperty(safe, key, { value, enumerable: true });
  }
  return safe;
}
