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
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe(MEMBER_HOME);
  });

  it.each([
    ['/account', '/account'],
    ['/account/sessions?tab=1#top', '/account/sessions?tab=1#top'],
    ['/a/../account', '/account'],
  ])('keeps the same-site path %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it('ignores non-strings (repeated query parameters arrive as arrays)', () => {
    expect(safeNextPath(['/a', '/b'])).toBe(MEMBER_HOME);
    expect(safeNextPath(undefined, '/')).toBe('/');
  });
});
