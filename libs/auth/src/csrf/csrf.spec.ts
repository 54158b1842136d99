import type { Request } from 'express';
import { csrfTokenFor, isCsrfTokenValid, isSameOriginRequest } from './csrf.js';

const request = (parts: Partial<Request> & { headers?: Record<string, string> }) => ({ headers: {}, ...parts }) as unknown as Request;

describe('CSRF token', () => {
  it('is created once per session and accepted only when it matches exactly', () => {
    const session = {} as Record<string, unknown>;
    const token = csrfTokenFor(request({ session } as never));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(request({ session } as never))).toBe(token);

    expect(isCsrfTokenValid(request({ session, body: { _csrf: token } } as never))).toBe(true);
    expect(isCsrfTokenValid(request({ session, headers: { 'x-csrf-token': token } } as never))).toBe(true);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: token.slice(0, -1) } } as never))).toBe(false);
    expect(isCsrfTokenValid(request({ session, body: { _csrf: [token] } } as never))).toBe(false);
    expect(isCsrfTokenValid(request({ session, body: {} } as never))).toBe(false);
    expect(isCsrfTokenValid(request({ session: {}, body: { _csrf: token } } as never))).toBe(false); // another session
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
