/** `source` without the datasource's `url = …` line; undefined when there is none. */
export function removeDatasourceUrl(source: string): string | undefined {
  const block = /(datasource\s+\w+\s*\{)([^}]*)(\})/.exec(source);
  if (!block) return undefined;
  const body = block[2]!;
  const lines = body.split('\n');
  const kept = lines.filter((line) => !/^\s*url\s*=/.test(line));
  if (kept.length === lines.length) return undefined;
  return source.slice(0, block.index) + block[1] + kept.join('\n') + block[3] + source.slice(block.index + block[0].length);
}
