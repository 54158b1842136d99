import { MEMBER_HOME, safeNextPath } from './safe-redirect.js';

describe('safeNextPath', () => {
  it.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/\u0000x',
    '/line\r\nLocation: https://evil.example',
    '',
    'x'.repeat(3000),
    // normalising or decoding would turn these into another host
    '/.//evil.example',
    '/./\\evil.example',
    '/a/..//evil.example',
    '/../..//evil.example',
    '/%2e//evil.example',
    '/%2e%2e//evil.example',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/.%2F/evil.example',
    '/%252F%252Fevil.example',
    '/%255Cevil.example',
    '/%09/evil.example',
    '/%E0%A4%A',
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe(MEMBER_HOME);
  });

  it.each([
    ['/account', '/account'],
    ['/account/sessions?tab=1#top', '/account/sessions?tab=1#top'],
    ['/a/../account', '/account'],
    ['/./account', '/account'],
    ['/account?next=%2Fadmin', '/account?next=%2Fadmin'],
    ['/caf%C3%A9', '/caf%C3%A9'],
  ])('keeps the same-site path %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it('ignores non-strings (repeated query parameters arrive as arrays)', () => {
    expect(safeNextPath(['/a', '/b'])).toBe(MEMBER_HOME);
    expect(safeNextPath(undefined, '/')).toBe('/');
  });
});
