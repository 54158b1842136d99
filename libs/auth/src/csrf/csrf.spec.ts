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
