/** Query parameters whose values are credentials: never written to a log line. */
export const SECRET_QUERY_PARAMS = [
  'token',
  'code',
  'password',
  'secret',
  'key',
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'id_token',
  'signature',
  'sig',
  '_csrf',
];

const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_QUERY_PARAMS.join('|')})=)[^&#]*`, 'gi');

/**
 * A request URL as it may be logged: the value of every credential-carrying query parameter
 * (`?token=...` in reset and confirmation links, and the like) replaced by `[REDACTED]`.
 * The path and the other parameters stay as they were.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string' || !url.includes('?')) {
    return url;
  }
  const hash = url.indexOf('#');
  const [head, fragment] = hash === -1 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return head.replace(SECRET_PARAM, '$1[REDACTED]') + (fragment ? '#[REDACTED]' : '');
}
