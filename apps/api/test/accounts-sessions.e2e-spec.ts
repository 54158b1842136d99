import { AccountsService } from '@app/auth';
import { linkPath } from './support/accounts-harness.js';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';

/**
 * What ends a member's sessions (revoking one or all others, disabling the user, resetting the
 * password), over HTTP with real mail, once with sessions in Redis and once in files.
 */
describe.each(SESSION_STORES)('accounts: sessions (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  it('forgot password → reset: every session ends, the link works once, the new password signs in', async () => {
    const { email, b } = await t.member('reset');
    const anon = t.browser();
    await anon.get('/forgot-password');
    const asked = await anon.post('/forgot-password', { email: email.toUpperCase() });
    expect(asked.status).toBe(200);
    const mail = await t.stack.mailTo(email, 2);
    expect(mail.parsed.subject).toMatch(/reset/i);
    const link = linkPath(mail, '/reset-password');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;

    const form = await anon.get(link);
    expect(form.status).toBe(200);
    expect(form.headers['referrer-policy']).toBe('same-origin');
    const weak = await anon.post('/reset-password', { token, password: 'password123' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('commonly used');
    const done = await anon.post('/reset-password', { token, password: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect((await anon.post('/reset-password', { token, password: 'yet another passphrase' })).status).toBe(400);

    expect((await b.get('/account')).status).toBe(303); // the signed-in browser is out
    expect((await t.signIn(t.browser(), email, PASSWORD)).status).toBe(401);
    expect((await t.signIn(t.browser(), email, 'a brand new passphrase')).status).toBe(303);
  });

  it('lists sessions, revokes one, and revokes all others after the password is confirmed', async () => {
    const { email, b } = await t.member('sessions');
    const second = t.browser();
    const third = t.browser();
    await t.signIn(second, email, PASSWORD);
    await t.signIn(third, email, PASSWORD);
    const list = await b.get('/account/sessions');
    expect(list.text.match(/data-testid="session-row"/g)).toHaveLength(3);
    expect(list.text).toContain('this session');

    // Rows are named by opaque handles (newest first: third, then second).
    const handles = [...list.text.matchAll(/action="\/account\/sessions\/([^"/]+)\/revoke"/g)].map((m) => m[1]);
    expect(handles).toHaveLength(2);
    expect((await b.post(`/account/sessions/${handles[1]}/revoke`)).status).toBe(303);
    expect((await second.get('/account')).status).toBe(303);
    expect((await third.get('/account')).status).toBe(200);

    await b.get('/account/sessions');
    expect((await b.post('/account/sessions/revoke-others', { password: 'not my password' })).status).toBe(422);
    expect((await third.get('/account')).status).toBe(200);
    await b.get('/account/sessions');
    expect((await b.post('/account/sessions/revoke-others', { password: PASSWORD })).status).toBe(303);
    expect((await third.get('/account')).status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);
  });

  it('ends every session of a disabled user, and refuses their login', async () => {
    const { email, b } = await t.member('disabled');
    await t.stack.api.get(AccountsService).setActive(await t.userIdOf(email), false);
    expect((await b.get('/account')).status).toBe(303);
    expect((await t.signIn(t.browser(), email, PASSWORD)).status).toBe(401);
  });
});
