import { parse } from 'cookie';
import { generateSessionId } from '@app/session';
import { cachedVerifier, readCookie, signSessionId, verifySignedSessionId } from './signed-session-id.js';

describe('readCookie', () => {
  // Whatever the header, it must agree with the cookie package the middleware used before.
  const headers = [
    '',
    'sid=abc',
    'sid=abc; other=1',
    'other=1; sid=abc',
    'other=1;sid=abc',
    'other=1;  sid = abc ; x=y',
    'xsid=wrong; sid=right',
    'sidx=wrong; sid=right',
    'a=sid=wrong; sid=right',
    'a=1; b="sid=wrong"; sid=right',
    'sid=first; sid=second',
    'sid="quoted"',
    'sid=%41%42',
    'sid=%E0%A4%A', // malformed escape: kept as sent
    'sid=',
    'sid',
    'x=1; sid',
    'sid\t=\tabc',
    '; sid=abc;',
    'other=1',
    'sid; sid=later',
    'a=b=sid=c; sid=d',
    'sid=\u00a0v\u00a0',
    'sid= \t v \t ',
  ];
  it.each(headers)('%j', (header) => {
    expect(readCookie(header, 'sid')).toBe(parse(header).sid);
  });

  it('finds a __Host- prefixed name', () => {
    expect(readCookie('a=1; __Host-sid=v; sid=w', '__Host-sid')).toBe('v');
  });
});

describe('cachedVerifier', () => {
  const secrets = ['newest-secret-newest-secret', 'older-secret-older-secret'];
  const id = generateSessionId();

  it('agrees with verifySignedSessionId, for good, rotated, forged and malformed values', () => {
    const verify = cachedVerifier(secrets, 2);
    const values = [
      signSessionId(id, secrets[0]),
      signSessionId(id, secrets[1]),
      signSessionId(id, 'not-our-secret-not-our-secret'),
      `${id}.`,
      id,
      `../x.${signSessionId(id, secrets[0]).split('.')[1]}`,
      `${signSessionId(id, secrets[0])}${'x'.repeat(300)}`,
      signSessionId(generateSessionId(), secrets[0]),
    ];
    // Twice over, with a cache smaller than the number of good values: hits, misses and clears.
    for (const value of [...values, ...values]) {
      expect(verify(value)).toEqual(verifySignedSessionId(value, secrets));
    }
    expect(verify(values[0])).toEqual({ id, signedWithNewest: true });
    expect(verify(values[1])).toEqual({ id, signedWithNewest: false });
    expect(verify(values[2])).toBeNull();
  });

  it('never lets a later caller change a cached answer', () => {
    const verify = cachedVerifier(secrets);
    const value = signSessionId(id, secrets[0]);
    const first = verify(value)!;
    expect(() => {
      (first as { id: string }).id = 'other';
    }).toThrow(TypeError);
    expect(verify(value)).toEqual({ id, signedWithNewest: true });
  });
});
