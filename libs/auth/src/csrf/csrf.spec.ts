import type { Request } from 'express';
import { csrfTokenFor, isCsrfTokenValid, isSameOriginRequest } from './csrf.js';

const request = (parts: Partial<Request> & { headers?: Record<string, string> }) => ({ headers: {}, ...parts }) as unknown as Request;

/** A stand-in for req.session: `stored` sessions have no browser token, anonymous ones derive it from `binding`. */
function fakeSession(data: Record<string, unknown>, options: { stored?: boolean; binding?: string } = {}) {
  const session = { ...data } as Record<string, unknown>;
  Object.defineProperties(session, {
    browserToken: { value: () => (options.stored ? undefined : `token-of-${options.binding}`) },
    isBrowserToken: { value: (t: string) => !options.stored && t === `token-of-${options.binding}` },
  });
  return session;
}

describe('CSRF token of a signed-in session (synchronizer)', () => {
  it('is created once per session and accepted only when it matches exactly', () => {
    const session = fakeSession({ userId: 'u1' }, { stored: true });
    const token = csrfTokenFor(request({ session } as never));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(request({ session } as never))).toBe(token);

    expect(isCsrfTokenValid(request({ session, body: { _csrf: token } } as never))).toBe(true);
    expect(isCsrfTokenValid(request({ session, headers: { 'x-csrf-token': token } } as never))).toBe(true);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: token.slice(0, -1) } } as never))).toBe(false);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: [token] } } as never))).toBe(false);
    expect(isCsrfTokenValid(request({ session, body: {} } as never))).toBe(false);
    const other = fakeSession({ userId: 'u1' }, { stored: true });
    expect(isCsrfTokenValid(request({ session: other, body: { _csrf: token } } as never))).toBe(false); // another session
  });

  it('never accepts a browser (anonymous) token once signed in', () => {
    const session = fakeSession({ userId: 'u1' }, { stored: true, binding: 'b' });
    expect(isCsrfTokenValid(request({ session, body: { _csrf: 'token-of-b' } } as never))).toBe(false);
  });
});

describe('CSRF token of an anonymous visitor (bound to the cookie, stored nowhere)', () => {
  it('comes from the browser binding and puts nothing in the session', () => {
    const session = fakeSession({}, { binding: 'b1' });
    expect(csrfTokenFor(request({ session } as never))).toBe('token-of-b1');
    expect(Object.keys(session)).toEqual([]); // nothing to store
    expect(isCsrfTokenValid(request({ session, body: { _csrf: 'token-of-b1' } } as never))).toBe(true);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: 'token-of-b2' } } as never))).toBe(false); // another browser's
    expect(isCsrfTokenValid(request({ session, body: {} } as never))).toBe(false);
  });

  it('falls back to a synchronizer token when the anonymous session is stored anyway', () => {
    const session = fakeSession({ note: 'x' }, { stored: true });
    const token = csrfTokenFor(request({ session } as never));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: token } } as never))).toBe(true);
  });
});

describe('isSameOriginRequest', () => {
  const own = 'https://app.example';
  it.each([
    [{}, true],
    [{ origin: own }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: own }, true],
    [{ 'sec-fetch-site': 'none' }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'null' }, false],
    [{ origin: 'http://app.example' }, false],
    [{ 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'same-site' }, false],
  ])('headers %j → %s', (headers, expected) => {
    expect(isSameOriginRequest(request({ headers: headers as Record<string, string> }), own)).toBe(expected);
  });
});

describe('isSameOriginRequest with loopback origins (development)', () => {
  const own = 'http://localhost:3000';
  const on = (port: number, headers: Record<string, string>) =>
    request({ headers, socket: { localPort: port } } as never);
  it.each([
    ['http://localhost:3000', true],
    ['http://127.0.0.1:3000', true],
    ['http://[::1]:3000', true],
    ['http://127.0.0.1:3001', false], // another port is another site
    ['https://127.0.0.1:3000', false],
    ['http://127.0.0.2:3000', false],
    ['http://localhost.evil.example:3000', false],
    ['http://evil.example', false],
  ])('Origin %s on port 3000 → %s', (origin, expected) => {
    expect(isSameOriginRequest(on(3000, { origin }), own, true)).toBe(expected);
  });

  it('follows the port the request arrived on, not the one in APP_BASE_URL', () => {
    expect(isSameOriginRequest(on(4321, { origin: 'http://127.0.0.1:4321' }), own, true)).toBe(true);
    expect(isSameOriginRequest(on(80, { origin: 'http://localhost' }), own, true)).toBe(true);
  });

  it('is exact when loopback origins are not accepted (production)', () => {
    expect(isSameOriginRequest(on(3000, { origin: 'http://127.0.0.1:3000' }), own, false)).toBe(false);
    expect(isSameOriginRequest(on(3000, { origin: own }), own, false)).toBe(true);
  });
});
