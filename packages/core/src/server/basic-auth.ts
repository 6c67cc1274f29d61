import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may read the endpoint: fixed credentials, or a function that decides. */
export type BasicAuthCheck =
  | { readonly username: string; readonly password: string }
  | ((username: string, password: string) => boolean | Promise<boolean>);

/** The user and password of an `Authorization: Basic …` header, or undefined when there is none or it is malformed. */
export function readBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const match = header === undefined ? null : /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Equal strings, in time that does not depend on where they differ or on their lengths (both hashed first). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * A checker for the given rule. With fixed credentials, the user name and the password are
 * both compared, always, in constant time: a wrong user name takes as long as a wrong password.
 */
export function basicAuthChecker(check: BasicAuthCheck): (header: string | undefined) => Promise<boolean> {
  return async (header) => {
    const given = readBasicAuth(header);
    if (typeof check === 'function') return given !== undefined && (await check(given.username, given.password)) === true;
    const user = sameText(given?.username ?? '', check.username);
    const password = sameText(given?.password ?? '', check.password);
    return given !== undefined && user && password;
  };
}

/** Refuses a rule that lets anyone in: no credentials, an empty user name or password. */
export function checkAuthOption(check: unknown): asserts check is BasicAuthCheck {
  if (typeof check === 'function') return;
  const given = check as { username?: unknown; password?: unknown } | undefined;
  if (!given || typeof given !== 'object') {
    throw new TypeError(
      'memoryEndpoint: needs credentials ({ auth: { username, password } }) or a check ({ auth: (username, password) => boolean }): the endpoint shows what is in memory, so it is never open',
    );
  }
  if (typeof given.username !== 'string' || given.username === '' || typeof given.password !== 'string' || given.password === '') {
    throw new TypeError('memoryEndpoint: auth.username and auth.password must be non-empty strings');
  }
  if (given.username.includes(':')) throw new TypeError('memoryEndpoint: auth.username cannot hold ":" (HTTP basic auth splits at the first one)');
}
