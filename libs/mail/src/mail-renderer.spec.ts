import type { AppConfig } from '@app/config';
import { MailRenderer } from './mail-renderer.js';
import { MAIL_SAMPLES } from './mail-samples.js';
import { MAIL_TEMPLATE_NAMES } from './mail-templates.js';

const config = { env: 'test', app: { name: 'Acme Billing' }, http: { baseUrl: 'https://app.example.org' } } as AppConfig;

describe('MailRenderer', () => {
  const renderer = new MailRenderer(config);

  it.each(MAIL_TEMPLATE_NAMES)('renders %s as HTML and text on the shared layout', (name) => {
    const mail = renderer.render(name, MAIL_SAMPLES[name] as never);
    expect(mail.subject.length).toBeGreaterThan(0);
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain('https://app.example.org');
    expect(mail.text).not.toContain('<');
    expect(mail.text).toContain(`${config.app.name} · https://app.example.org`);
  });

  it('escapes variables in the HTML part and keeps them readable in the text part', () => {
    const mail = renderer.render('confirm-email', { ...MAIL_SAMPLES['confirm-email'], firstName: '<b>Tom</b> & "Jerry"' });
    expect(mail.html).toContain('Hello &lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot;,');
    expect(mail.html).not.toContain('<b>Tom</b>');
    expect(mail.text).toContain('Hello <b>Tom</b> & "Jerry",');
    expect(mail.text).toContain(MAIL_SAMPLES['confirm-email'].confirmUrl);
  });

  it('fails loudly on a missing variable instead of sending a blank', () => {
    expect(() => renderer.render('reset-password', { firstName: 'Ada' } as never)).toThrow(/undefined|null/);
  });
});
