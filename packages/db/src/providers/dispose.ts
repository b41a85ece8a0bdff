/** How long a disposed pool may take to close its connections before they are destroyed. */
export const DISPOSE_GRACE_MS = 1_000;

/** Resolves when `ending` settles; if it has not within `graceMs`, calls `force` and waits once more. */
export async function endWithin(ending: Promise<void>, graceMs: number, force: () => void | Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settled = ending.then(
    () => true,
    () => true,
  );
  const graceOver = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  try {
    if (await Promise.race([settled, graceOver])) return;
    await force();
    await settled;
  } finally {
    clearTimeout(timer);
  }
}
