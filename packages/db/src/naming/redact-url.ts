/** Shown in place of a password. */
export const REDACTED = '****';

/**
 * A URL safe to print: the password (and any `password`/`sslpassword` query parameter) replaced
 * by `****`. Text that is not a URL comes back as `<invalid url>` rather than echoed, since it may
 * be a secret pasted into the wrong variable.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid url>';
  }
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
