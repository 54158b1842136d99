import { readForm, RegisterForm } from './account-forms.js';

describe('readForm', () => {
  it('keeps only declared fields, trims text but not passwords', () => {
    const result = readForm(RegisterForm, { email: '  ada@example.org ', password: '  spaced passphrase  ', _csrf: 'x', admin: 'true' });
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ email: 'ada@example.org', password: '  spaced passphrase  ', firstName: '', lastName: '' }),
    });
    expect(result.ok && 'admin' in result.value).toBe(false);
  });

  it('reports one message per field and never echoes a password back', () => {
    const result = readForm(RegisterForm, { email: ['a@example.org', 'b@example.org'], firstName: 'x'.repeat(101), password: 'secret-ish' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors).sort()).toEqual(['email', 'firstName']);
      expect(result.errors.email).toBe('Enter a valid email address.');
      expect(result.values).not.toHaveProperty('password');
    }
  });

  it('treats a missing or non-object body as empty', () => {
    for (const body of [undefined, null, 'email=a', 42]) {
      const result = readForm(RegisterForm, body);
      expect(result.ok).toBe(false);
    }
  });
});
