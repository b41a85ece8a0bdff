/** Shown in place of a password. */
export const REDACTED = '****';

/** Shown for text that does not parse as a URL (it may be a secret pasted into the wrong variable). */
export const INVALID_URL_TARGET = '<invalid url>';

/** Shown for a URL whose password seems to hold an unencoded `/`, `?` or `#` (see {@link hasMisencodedCredentials}). */
export const MISENCODED_URL_TARGET = '<invalid url: percent-encode the password>';

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Whether an `@` sits after the host part of a parsed URL: the sign of a password with an
 * unencoded `/`, `?` or `#` (`postgresql://app:5432/s3cr@host/db` parses as host `app`, port 5432
 * and the path `/s3cr@host/db`, so the password would be shown as part of the target). An `@` in a
 * query value is only suspect when the URL has no user part at all.
 */
export function hasMisencodedCredentials(parsed: URL): boolean {
  if (parsed.protocol === 'file:') return false;
  if (parsed.pathname.includes('@')) return true;
  return parsed.username === '' && (parsed.search.includes('@') || parsed.hash.includes('@'));
}

function parameterNames(names: Iterable<string>): string {
  const unique = [...new Set(names)];
  return unique.length === 0 ? '' : `?${unique.join('&')}`;
}

/** `sqlserver://host:1433;database=x;user=y;password=z` (JDBC style, not a WHATWG URL). */
function sqlServerTarget(url: string): string {
  const [authority = '', ...pairs] = url.slice('sqlserver://'.length).split(';').filter(Boolean);
  if (authority.includes('@')) return MISENCODED_URL_TARGET;
  const entries = pairs.map((pair) => pair.split('=', 2) as [string, string | undefined]);
  const database = entries.find(([key]) => key.trim().toLowerCase() === 'database')?.[1];
  const names = entries.map(([key]) => key.trim()).filter((key) => key.toLowerCase() !== 'database');
  return `sqlserver://${authority}${database ? `/${database}` : ''}${parameterNames(names)}`;
}

/**
 * What a URL points at, for people and health endpoints: scheme, host, port and database, and the
 * names of its parameters, never a user, password or parameter value. A SQLite `file:` URL is shown
 * as written (`file:./cache.db`, relative to the database folder). Every place that shows a target
 * (`status()`, `/readyz`, `/health/db`, `kusto-db list`, `debug`, `status --json`) uses this.
 */
export function describeTarget(url: string): string {
  if (/^sqlserver:\/\//i.test(url)) return sqlServerTarget(url);
  const parsed = parse(url);
  if (parsed === undefined) return INVALID_URL_TARGET;
  const names = parameterNames(parsed.searchParams.keys());
  if (parsed.protocol === 'file:') return `${url.split('?', 1)[0]}${names}`;
  if (hasMisencodedCredentials(parsed)) return MISENCODED_URL_TARGET;
  const database = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol}//${parsed.host}${database}${names}`;
}

/**
 * A URL safe to print: the password (and any `password`/`sslpassword` query parameter) replaced
 * by `****`. Text that is not a URL comes back as `<invalid url>` rather than echoed, since it may
 * be a secret pasted into the wrong variable, and so does a URL whose password is not
 * percent-encoded (it would be read as a host, port and path). To show what a URL points at, use
 * {@link describeTarget}.
 */
export function redactUrl(url: string): string {
  const parsed = parse(url);
  if (parsed === undefined) return INVALID_URL_TARGET;
  if (hasMisencodedCredentials(parsed)) return MISENCODED_URL_TARGET;
  if (parsed.password) parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass(word)?$/i.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** Removes every occurrence of `url`'s password from `text` (for driver messages that echo it). */
export function scrubSecrets(text: string, url: string | undefined): string {
  if (!url) return text;
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text.split(url).join('<redacted url>');
  }
  let scrubbed = text.split(url).join(redactUrl(url));
  if (password) scrubbed = scrubbed.split(password).join(REDACTED);
  return scrubbed;
}
