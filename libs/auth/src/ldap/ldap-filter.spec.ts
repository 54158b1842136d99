import { FilterParser } from 'ldapts';
import { escapeFilterValue, fillFilter } from './ldap-filter.js';

describe('LDAP filter values', () => {
  it('escapes the RFC 4515 specials and nothing else', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue("zoë.o'brien+tag@example.org")).toBe("zoë.o'brien+tag@example.org");
  });

  it('keeps an injection attempt a single equality on the typed value', () => {
    const filter = fillFilter('(mail={email})', { email: '*)(uid=*' });
    expect(filter).toBe('(mail=\\2a\\29\\28uid=\\2a)');
    // The server-side view: one equality filter on mail, whose value is the text as typed.
    const parsed = FilterParser.parseString(filter);
    expect(parsed.constructor.name).toBe('EqualityFilter');
    expect((parsed as unknown as { attribute: string; value: string }).attribute).toBe('mail');
    expect((parsed as unknown as { value: string }).value).toBe('*)(uid=*');
  });

  it('fills every placeholder it knows and leaves the others', () => {
    expect(fillFilter('(|(mail={email})(uid={email})(x={other}))', { email: 'a*' })).toBe('(|(mail=a\\2a)(uid=a\\2a)(x={other}))');
    expect(fillFilter('(member={dn})', { dn: 'uid=a\\,b,dc=x' })).toBe('(member=uid=a\\5c,b,dc=x)');
  });
});
