import { HTTP_LOG_SERIALIZERS } from './logging.module.js';
import { redactUrl } from './redact-url.js';

describe('request log URLs', () => {
  it('logs GET /reset-password?token=... with token=[REDACTED]', () => {
    const token = 'Zq3kV0b1mJx9QnT4yR8sW2uL6pE5aC7dHfGiKoNtMvB';
    const logged = HTTP_LOG_SERIALIZERS.req({
      id: 'r1',
      method: 'GET',
      url: `/reset-password?token=${token}`,
      headers: { 'user-agent': 'jest' },
    });
    expect(logged).toEqual({ id: 'r1', method: 'GET', url: '/reset-password?token=[REDACTED]', userAgent: 'jest' });
    expect(JSON.stringify(logged)).not.toContain(token);
  });

  it('redacts every credential parameter, whatever its case or place, and keeps the rest', () => {
    expect(redactUrl('/confirm-email?lang=en&TOKEN=abc&next=%2Fx')).toBe('/confirm-email?lang=en&TOKEN=[REDACTED]&next=%2Fx');
    expect(redactUrl('/x?api_key=k1&password=p&access_token=a&code=c#frag')).toBe(
      '/x?api_key=[REDACTED]&password=[REDACTED]&access_token=[REDACTED]&code=[REDACTED]#[REDACTED]',
    );
    expect(redactUrl('/x?tokens=keep&mytoken=keep')).toBe('/x?tokens=keep&mytoken=keep');
    expect(redactUrl('/account/sessions')).toBe('/account/sessions');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
