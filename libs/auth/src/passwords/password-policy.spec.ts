import { passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts long passphrases in any script, without composition rules', () => {
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('пароль-без-цифр')).toBeNull();
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑🔑🔑')).toBeNull(); // 8 characters, 32 bytes
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(passwordProblem('🔑'.repeat(7))).toMatch(/at least 8/); // 14 UTF-16 units, 7 characters
    expect(passwordProblem('é'.repeat(128))).toBeNull();
    expect(passwordProblem('é'.repeat(129))).toMatch(/at most 128/);
  });

  it('refuses the most common passwords, whatever their case', () => {
    expect(passwordProblem('password')).toMatch(/commonly used/);
    expect(passwordProblem('Password1')).toMatch(/commonly used/);
    expect(passwordProblem('QWERTYUIOP')).toMatch(/commonly used/);
  });

  it('refuses the account email as password, and non-strings', () => {
    expect(passwordProblem('ada@example.org', { email: 'Ada@Example.org' })).toMatch(/email/);
    expect(passwordProblem(['a', 'b'])).toMatch(/Enter a password/);
    expect(passwordProblem(undefined)).toMatch(/Enter a password/);
  });
});
