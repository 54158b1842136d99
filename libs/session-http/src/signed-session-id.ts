import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { isValidSessionId } from '@app/session';

/*
 * The cookie side of a session id: the signed value the browser holds, and reading it back
 * from a Cookie header. Stores never see any of it; they only see validated ids.
 */

// Secrets as KeyObjects, made once: createHmac would otherwise import the key on every call.
// Bounded because signSessionId is public and could be called with ever-new secrets.
const keys = new Map<string, KeyObject>();

function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 16) {
      keys.clear();
    }
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

function mac(id: string, secret: string): string {
  return createHmac('sha256', keyFor(secret)).update(id).digest('base64url');
}

/** Cookie value: `<id>.<HMAC-SHA256(secret, id)>`, signed with the newest secret. */
export function signSessionId(id: string, secret: string): string {
  return `${id}.${mac(id, secret)}`;
}

/** Longer cookie values are rejected before any work (an id and a SHA-256 MAC take 76). */
const MAX_SIGNED_LENGTH = 200;

/*
 * A browser binding: what the cookie holds for a visitor who has no stored session but was shown
 * a form (login, register, forgot and reset password). A random value, signed in its own domain
 * (`b.<value>.<HMAC(secret, "browser-binding:" + value)>`), so it can never be taken for a
 * session id (the `b.` part fails the id format) and is never looked up in the store. Anonymous
 * form tokens are derived from it (formTokenFor): stateless, bound to this browser's cookie.
 */
const BINDING_PREFIX = 'b.';

export function signBrowserBinding(value: string, secret: string): string {
  return `${BINDING_PREFIX}${value}.${mac(`browser-binding:${value}`, secret)}`;
}

/** The binding's random value, or null for anything that is not a binding we signed. */
export function verifyBrowserBinding(cookieValue: string, secrets: readonly string[]): string | null {
  if (cookieValue.length > MAX_SIGNED_LENGTH || !cookieValue.startsWith(BINDING_PREFIX)) {
    return null;
  }
  const rest = cookieValue.slice(BINDING_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  const value = rest.slice(0, Math.max(dot, 0));
  if (!isValidSessionId(value)) {
    return null;
  }
  const given = Buffer.from(rest.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(mac(`browser-binding:${value}`, secret));
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return value;
    }
  }
  return null;
}

/** The form token of a binding: HMAC(secret, "form-token:" + value), never the cookie itself. */
export function formTokenFor(binding: string, secret: string): string {
  return mac(`form-token:${binding}`, secret);
}

/** Whether `token` is the form token of `binding` under any configured secret (constant time). */
export function isFormTokenOf(binding: string, token: string, secrets: readonly string[]): boolean {
  const given = Buffer.from(token);
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(formTokenFor(binding, secret));
    ok = (given.length === expected.length && timingSafeEqual(given, expected)) || ok;
  }
  return ok;
}

export interface VerifiedSessionId {
  id: string;
  /** False when an older secret verified it: the cookie should be re-signed with the newest. */
  signedWithNewest: boolean;
}

/**
 * Checks the signature against every configured secret (newest first), in constant time.
 * Returns null for unsigned, forged or malformed values.
 */
export function verifySignedSessionId(value: string, secrets: readonly string[]): VerifiedSessionId | null {
  if (value.length > MAX_SIGNED_LENGTH) {
    return null;
  }
  const dot = value.lastIndexOf('.');
  if (dot <= 0) {
    return null;
  }
  const id = value.slice(0, dot);
  if (!isValidSessionId(id)) {
    return null;
  }
  const given = Buffer.from(value.slice(dot + 1));
  for (const [i, secret] of secrets.entries()) {
    const expected = Buffer.from(mac(id, secret));
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { id, signedWithNewest: i === 0 };
    }
  }
  return null;
}

/** Finds the value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string, name: string): string | undefined {
  // The same answer as the \`cookie\` package's parse(header)[name] (first occurrence wins,
  // whitespace trimmed, quotes stripped, %-decoded when it decodes), without splitting,
  // trimming and decoding every other cookie a browser sends with each request.
  let from = 0;
  for (;;) {
    const at = header.indexOf(name, from);
    if (at === -1) {
      return undefined;
    }
    from = at + 1;
    let before = at - 1;
    while (before >= 0 && (header[before] === ' ' || header[before] === '\t')) {
      before--;
    }
    if (before >= 0 && header[before] !== ';') {
      continue; // part of another cookie's name or value
    }
    let eq = at + name.length;
    while (header[eq] === ' ' || header[eq] === '\t') {
      eq++;
    }
    if (header[eq] !== '=') {
      continue; // a longer name that starts with ours
    }
    const semi = header.indexOf(';', eq + 1);
    let start = eq + 1;
    let end = semi === -1 ? header.length : semi;
    while (start < end && (header[start] === ' ' || header[start] === '\t')) {
      start++;
    }
    while (end > start && (header[end - 1] === ' ' || header[end - 1] === '\t')) {
      end--;
    }
    let value = header.slice(start, end);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // kept as sent, like the cookie package does
      }
    }
    return value;
  }
}

/**
 * verifySignedSessionId with a bounded memo of cookie values that verified, for one fixed list
 * of secrets. Safe because verification is a pure function of (value, secrets): a hit returns
 * exactly what recomputing would, only values that carried a valid MAC are ever stored (a forger
 * cannot get a hit without already holding a valid cookie), and whether the session exists is
 * still asked of the store on every request.
 */
export function cachedVerifier(secrets: readonly string[], max = 4096): (value: string) => VerifiedSessionId | null {
  const verified = new Map<string, VerifiedSessionId>();
  return (value) => {
    if (value.length > MAX_SIGNED_LENGTH) {
      return null;
    }
    const hit = verified.get(value);
    if (hit) {
      return hit;
    }
    const result = verifySignedSessionId(value, secrets);
    if (result) {
      if (verified.size >= max) {
        verified.clear(); // crude but bounded; the common case is a hit
      }
      verified.set(value, Object.freeze(result));
    }
    return result;
  };
}
