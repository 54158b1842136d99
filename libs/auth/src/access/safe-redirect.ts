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
  if (!isPlainLocalPath(next)) {
    return fallback;
  }
  try {
    const url = new URL(next, 'http://same.invalid');
    if (url.host !== 'same.invalid' || url.protocol !== 'http:') {
      return fallback;
    }
    const path = `${url.pathname}${url.search}${url.hash}`;
    // Normalising can itself produce an off-site reference: `/.//evil.example` and `/a/..//evil`
    // become `//evil.example`, which a browser resolves as another host.
    return isPlainLocalPath(path) ? path : fallback;
  } catch {
    return fallback;
  }
}

/**
 * True when `value`, and every percent-decoding of it (up to three rounds, since proxies and
 * frameworks decode once more than expected), is a single-slash path without backslashes or
 * control characters: `/%2F%2Fevil`, `/%5Cevil`, `/%252F/evil` are refused.
 */
function isPlainLocalPath(value: string): boolean {
  let current = value;
  for (let round = 0; round < 4; round += 1) {
    if (
      !current.startsWith('/') ||
      current.startsWith('//') ||
      current.includes('\\') ||
      /[\u0000-\u001f\u007f]/.test(current) ||
      /^\/(?:\.{1,2}\/)*\/|^\/(?:\.{1,2}\/)*\\/.test(current)
    ) {
      return false;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) {
      return true;
    }
    current = decoded;
  }
  return false;
}
