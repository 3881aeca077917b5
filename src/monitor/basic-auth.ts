/**
 * HTTP basic authentication for the dashboard, pure: parse the header, compare
 * with constant-time equality so response timing says nothing about how much of
 * a guess was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

/** The realm announced in `WWW-Authenticate`. */
export const BASIC_AUTH_CHALLENGE = 'Basic realm="influencerai-worker", charset="UTF-8"';

/** User and password of an `Authorization: Basic …` header, or undefined. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// Hashing first gives equal-length inputs, as timingSafeEqual requires, without
// leaking the expected length.
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True when the header carries exactly the expected user and password. */
export function isAuthorized(header: string | undefined, expected: Credentials): boolean {
  const given = parseBasicAuth(header);
  if (!given) return false;
  // Both comparisons always run: no early exit on a wrong user.
  const userOk = sameSecret(given.user, expected.user);
  const passwordOk = sameSecret(given.password, expected.password);
  return userOk && passwordOk;
}
