/** Where a signed-in member lands by default. */
export const MEMBER_HOME = '/account';

/**
 * Accepts only a path on this site for `?next=`: `//evil.example`, `/\evil.example`,
 * `https://evil.example` and anything with control characters fall back to the default
 * (OWASP Unvalidated Redirects cheat sheet).
 */
export function safeNextPath(next: unknown, fallback = MEMBER_HOME): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) {
    return fallback;
  }
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f\u007f]/.test(next)) {
    return fallback;
  }
  try {
    const url = new URL(next, 'http://same.invalid');
    return url.host === 'same.invalid' ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}
