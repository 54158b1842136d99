import { redactUrl, SECRET_QUERY_PARAMS } from '@app/logging';

/** What a secret's value is replaced with on the admin pages. */
export const REDACTED_VALUE = '[REDACTED]';

/**
 * Keys whose values are credentials, by name: the query parameters the logs already redact
 * (token, code, key, sig ...) matched exactly, plus anything that merely contains one of the
 * unambiguous words (resetToken, smtpPassword, clientSecret, x-api-key, sessionId ...).
 */
const EXACT_KEYS = new Set(SECRET_QUERY_PARAMS.map((name) => name.replace(/[_-]/g, '')));
const SECRET_WORDS = /pass(word|wd|phrase)|pass$|secret|token|apikey|authorization|cookie|credential|signature|sessionid|privatekey|^otp|otp$/i;
/** Only strings that look like URLs go through redactUrl (it treats `#...` as a fragment). */
const URL_LIKE = /^(?:[a-z][\w+.-]*:\/\/|\/)\S*\?/i;
const MAX_DEPTH = 20;

/**
 * A job's payload as the admin pages may show it: values under secret-looking keys and the
 * secrets in URL query strings replaced by a marker, at any depth. Job payloads here carry ids,
 * not secrets (mail variables live in the outbox), but a payload added later may not: the pages
 * must not be where a token leaks.
 */
export function redactJobData(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    return REDACTED_VALUE;
  }
  if (typeof value === 'string') {
    return URL_LIKE.test(value) ? redactUrl(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactJobData(item, depth + 1));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        isSecretKey(key) ? REDACTED_VALUE : redactJobData(item, depth + 1),
      ]),
    );
  }
  return value;
}

function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[_-]/g, '');
  return EXACT_KEYS.has(normalized) || SECRET_WORDS.test(normalized);
}
