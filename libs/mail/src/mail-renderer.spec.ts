import type { AppConfig } from '@app/config';
import { MailRenderer } from './mail-renderer.js';
import { MAIL_TEMPLATE_NAMES, type MailTemplates } from './mail-templates.js';

const config = { env: 'test', app: { name: 'Acme Billing' }, http: { baseUrl: 'https://app.example.org' } } as AppConfig;

const SAMPLES: MailTemplates = {
  'confirm-email': { firstName: 'Ada', confirmUrl: 'https://app.example.org/confirm?t=1', expiresInHours: 48 },
  'reset-password': { firstName: 'Ada', resetUrl: 'https://app.example.org/reset?t=2', expiresInMinutes: 60 },
  'password-changed': { firstName: 'Ada', resetUrl: 'https://app.example.org/forgot' },
  'account-exists': { firstName: 'Ada', loginUrl: 'https://app.example.org/login', resetUrl: 'https://app.example.org/forgot' },
  test: { requestedAt: '2026-11-27T08:00:00.000Z' },
  'error-report': {
    environment: 'production',
    fingerprint: 'abc123',
    source: 'http',
    errorName: 'TypeError',
    message: 'x is undefined',
    stack: 'TypeError: x is undefined\n    at f (a.js:1:1)',
    occurredAt: '2026-11-27T08:00:00.000Z',
    method: 'GET',
    route: '/things/:id',
    requestId: 'req-1',
  },
};

describe('MailRenderer', () => {
  const renderer = new MailRenderer(config);

  it.each(MAIL_TEMPLATE_NAMES)('renders %s as HTML and text on the shared layout', (name) => {
    const mail = renderer.render(name, SAMPLES[name] as never);
    expect(mail.subject.length).toBeGreaterThan(0);
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain('https://app.example.org');
    expect(mail.text).not.toContain('<');
    expect(mail.text).toContain(`${config.app.name} · https://app.example.org`);
  });

  it('escapes variables in the HTML part and keeps them readable in the text part', () => {
    const mail = renderer.render('confirm-email', { ...SAMPLES['confirm-email'], firstName: '<b>Tom</b> & "Jerry"' });
    expect(mail.html).toContain('Hello &lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot;,');
    expect(mail.html).not.toContain('<b>Tom</b>');
    expect(mail.text).toContain('Hello <b>Tom</b> & "Jerry",');
    expect(mail.text).toContain('https://app.example.org/confirm?t=1');
  });

  it('fails loudly on a missing variable instead of sending a blank', () => {
    expect(() => renderer.render('reset-password', { firstName: 'Ada' } as never)).toThrow(/undefined|null/);
  });
});
