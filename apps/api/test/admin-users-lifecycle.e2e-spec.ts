import { randomUUID } from 'node:crypto';
import { OneTimeTokensService } from '@app/auth';
import { linkPath } from './support/accounts-harness.js';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';
import { lifecycleHelpers, ROOT } from './support/admin-lifecycle.js';

/**
 * Admin panel, users from start to end, over HTTP with the real worker, SMTP sink, PostgreSQL
 * and both session stores: who may use the new routes, creating a user by invitation (and the
 * invitee's own browser following it), editing names and address, resending the confirmation.
 * Force reset and deletion: admin-users-removal.e2e-spec.ts.
 */
describe.each(SESSION_STORES)('admin: creating and editing users (sessions in %s)', (store) => {
  const t = useAccountsStack(store);
  const h = lifecycleHelpers(t);
  const admin = () => h.signInAs(ROOT.email, ROOT.password);

  describe('who may use it', () => {
    it('answers 403 to a member on every new route and changes nothing; a signed-out browser is sent to sign in', async () => {
      const { email, b } = await t.member('nosy');
      const { email: otherEmail } = await t.member('target');
      const target = await t.userIdOf(otherEmail);
      const users = await h.countUsers();
      for (const path of ['/admin/users/new', `/admin/users/${target}/edit`, `/admin/users/${target}/delete`]) {
        expect((await b.get(path)).status).toBe(403);
      }
      await b.get('/account'); // a form token of the member's own session
      const posts: Array<[string, Record<string, string>]> = [
        ['/admin/users', { email: t.address('sneaky'), firstName: 'S', lastName: '', roles: 'admin' }],
        [`/admin/users/${target}/edit`, { firstName: 'Hacked', lastName: '', email }],
        [`/admin/users/${target}/confirmation`, {}],
        [`/admin/users/${target}/password-reset`, {}],
        [`/admin/users/${target}/delete`, {}],
      ];
      for (const [path, fields] of posts) {
        expect((await b.post(path, fields)).status).toBe(403);
      }
      expect(await h.countUsers()).toBe(users);
      const row = await h.userRow(target);
      expect(row.first_name).toBe('Ada');
      expect(row.password_hash).not.toBeNull();
      const anonymous = await t.browser().get('/admin/users/new');
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Fusers%2Fnew');
    });

    it.each(['not-a-uuid', randomUUID()])('answers 404 on every route for the user id %s', async (id) => {
      const a = await admin();
      for (const path of [`/admin/users/${id}`, `/admin/users/${id}/edit`, `/admin/users/${id}/delete`]) {
        expect((await a.get(path)).status).toBe(404);
      }
      await a.get('/admin/users/new');
      for (const action of ['edit', 'confirmation', 'password-reset', 'delete']) {
        expect((await a.post(`/admin/users/${id}/${action}`, { firstName: 'A', lastName: '', email: t.address('x') })).status).toBe(404);
      }
    });
  });

  describe('creating a user', () => {
    it('invites: no password until the owner follows the link (single use), which confirms the address; then they sign in', async () => {
      const a = await admin();
      const form = await a.get('/admin/users/new');
      expect(form.status).toBe(200);
      expect(form.text).not.toContain('type="password"'); // the admin never types one
      const email = t.address('invited');
      const res = await a.post('/admin/users', { email, firstName: 'Ina', lastName: 'Vited', roles: 'dev' });
      expect(res.status).toBe(303);
      const id = h.idFrom(res.headers.location);
      expect(await h.userRow(id)).toMatchObject({
        email,
        first_name: 'Ina',
        last_name: 'Vited',
        password_hash: null,
        email_confirmed_at: null,
      });
      expect(await h.rolesOf(id)).toEqual(['dev']);
      expect((await a.get(res.headers.location)).text).toContain(`An invitation to choose a password went to ${email}.`);
      expect((await t.signIn(t.browser(), email, PASSWORD)).status).not.toBe(303); // no password yet

      const mail = await t.stack.mailTo(email);
      expect(mail.parsed.subject).toBe('Your new account: choose a password');
      const link = linkPath(mail, '/accept-invitation');
      const token = h.tokenOf(link);
      const kept = await h.outboxTo(email);
      expect(kept.map((m) => m.template)).toEqual(['invitation']);
      expect(kept[0].text_body ?? '').not.toContain(token); // never a live link in the outbox

      const owner = t.browser();
      const page = await owner.get(link);
      expect(page.status).toBe(200);
      expect(page.headers['referrer-policy']).toBe('same-origin');
      const weak = await owner.post('/accept-invitation', { token, password: 'short' });
      expect(weak.status).toBe(422);
      expect(weak.text).toContain('data-testid="error-password"');
      expect((await h.userRow(id)).password_hash).toBeNull();
      const accepted = await owner.post('/accept-invitation', { token, password: PASSWORD });
      expect(accepted.status).toBe(200);
      expect(accepted.text).toContain('Your password is set and your address is confirmed.');
      const row = await h.userRow(id);
      expect(row.password_hash).not.toBeNull();
      expect(row.email_confirmed_at).not.toBeNull();
      expect((await t.signIn(owner, email, PASSWORD)).status).toBe(303);
      expect((await owner.get('/account')).status).toBe(200);

      const replay = t.browser();
      expect((await replay.get(link)).status).toBe(400);
      await replay.get('/login');
      expect((await replay.post('/accept-invitation', { token, password: 'another long passphrase' })).status).toBe(400);
      expect((await t.signIn(t.browser(), email, PASSWORD)).status).toBe(303); // the first password stands
    });

    it('answers a bad invitation link with 400 (garbage, or a link of another purpose) and a form without its token with 422', async () => {
      const { email } = await t.member('purpose');
      const b = t.browser();
      expect((await b.get('/accept-invitation?token=not-a-token')).status).toBe(400);
      expect((await b.get('/accept-invitation')).status).toBe(400);
      const reset = await t.stack.api.get(OneTimeTokensService).issue(await t.userIdOf(email), 'reset-password', email, 3_600_000);
      expect((await b.get(`/accept-invitation?token=${reset}`)).status).toBe(400);
      await b.get('/login');
      expect((await b.post('/accept-invitation', { token: reset, password: 'another long passphrase' })).status).toBe(400);
      expect((await b.post('/accept-invitation', { password: PASSWORD })).status).toBe(422);
      expect((await b.post('/accept-invitation', { token: 'x'.repeat(43), password: PASSWORD })).status).toBe(400);
      expect((await t.signIn(t.browser(), email, PASSWORD)).status).toBe(303); // the password is untouched
    });

    it('refuses an address that has an account, in any case, and an unknown role: 409, nothing written or mailed', async () => {
      const { email } = await t.member('taken');
      const a = await admin();
      await a.get('/admin/users/new');
      const users = await h.countUsers();
      const taken = await a.post('/admin/users', { email: email.toUpperCase(), firstName: 'Other', lastName: '', roles: 'user' });
      expect(taken.status).toBe(409);
      expect(taken.text).toContain(`An account with the address ${email.toUpperCase()} already exists.`);
      expect(taken.text).toContain('value="Other"'); // the form again, as typed
      const fresh = t.address('norole');
      const unknown = await a.post('/admin/users', { email: fresh, firstName: '', lastName: '', roles: 'wizard' });
      expect(unknown.status).toBe(409);
      expect(unknown.text).toContain('No such role: wizard.');
      expect(await h.countUsers()).toBe(users);
      expect((await h.outboxTo(email)).map((m) => m.template)).toEqual(['confirm-email']); // its own, from registering
      expect(await h.outboxTo(fresh)).toEqual([]);
    });

    it.each([
      ['a malformed address', { email: 'not-an-address' }, 'email'],
      ['a quoted address the mailer refuses', { email: '"a b"@example.org' }, 'email'],
      ['no address', { email: undefined }, 'email'],
      ['a first name over 100 characters', { firstName: 'x'.repeat(101) }, 'firstName'],
      ['a role name over 32 characters', { roles: 'r'.repeat(33) }, 'roles'],
    ] as Array<[string, Record<string, string | undefined>, string]>)(
      'answers 422 to %s with the form again and writes nothing',
      async (_label, fields, field) => {
        const a = await admin();
        await a.get('/admin/users/new');
        const users = await h.countUsers();
        const body = { email: t.address('bad'), firstName: 'Kept', lastName: 'Typed', roles: 'user', ...fields };
        const res = await a.post(
          '/admin/users',
          Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<string, string>,
        );
        expect(res.status).toBe(422);
        expect(res.text).toContain(`data-testid="error-${field}"`);
        expect(res.text).toContain('value="Typed"');
        expect(await h.countUsers()).toBe(users);
      },
    );
  });

  describe('editing a user', () => {
    it('changes names at once and the address only once the new one is confirmed, as on the account pages', async () => {
      const { email, b } = await t.member('edit');
      const id = await t.userIdOf(email);
      const a = await admin();
      expect((await a.get(`/admin/users/${id}/edit`)).text).toContain(`value="${email}"`);
      const newEmail = t.address('edited');
      const res = await a.post(`/admin/users/${id}/edit`, { firstName: 'Grace', lastName: 'Hopper', email: newEmail });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/users/${id}`);
      expect((await a.get(res.headers.location)).text).toContain(`A confirmation link went to ${newEmail}`);
      expect(await h.userRow(id)).toMatchObject({ email, first_name: 'Grace', last_name: 'Hopper' });
      expect((await b.get('/account/profile')).text).toContain('value="Grace"'); // the owner's own browser, next page

      const link = linkPath(await t.stack.mailTo(newEmail), '/confirm-email');
      await b.get(link);
      expect((await b.post('/confirm-email', { token: h.tokenOf(link) })).status).toBe(200);
      expect((await h.userRow(id)).email).toBe(newEmail);
      expect((await t.stack.mailTo(email, 2)).parsed.subject).toBe('Your email address was changed');
      expect((await b.get('/account/profile')).text).toContain(newEmail);
    });

    it('corrects the address of an invitation nobody accepted yet at once, and sends the invitation there instead', async () => {
      const a = await admin();
      await a.get('/admin/users/new');
      const typo = t.address('typo');
      const id = h.idFrom((await a.post('/admin/users', { email: typo, firstName: 'Ty', lastName: '', roles: 'user' })).headers.location);
      const oldLink = linkPath(await t.stack.mailTo(typo), '/accept-invitation');
      await a.get(`/admin/users/${id}/edit`);
      const fixed = t.address('fixed');
      const res = await a.post(`/admin/users/${id}/edit`, { firstName: 'Ty', lastName: 'Po', email: fixed });
      expect(res.status).toBe(303);
      expect((await a.get(res.headers.location)).text).toContain(`The invitation now goes to ${fixed}`);
      expect(await h.userRow(id)).toMatchObject({ email: fixed, last_name: 'Po', email_confirmed_at: null, password_hash: null });
      expect((await t.browser().get(oldLink)).status).toBe(400);
      const link = linkPath(await t.stack.mailTo(fixed), '/accept-invitation');
      const owner = t.browser();
      await owner.get(link);
      expect((await owner.post('/accept-invitation', { token: h.tokenOf(link), password: PASSWORD })).status).toBe(200);
      expect((await h.userRow(id)).email_confirmed_at).not.toBeNull();
      expect((await t.signIn(owner, fixed, PASSWORD)).status).toBe(303);
    });

    it('refuses an address another account has (409, nothing changed or mailed) and bad input (422)', async () => {
      const { email } = await t.member('keep');
      const { email: other } = await t.member('other');
      const id = await t.userIdOf(email);
      const a = await admin();
      await a.get(`/admin/users/${id}/edit`);
      const taken = await a.post(`/admin/users/${id}/edit`, { firstName: 'Changed', lastName: '', email: other.toUpperCase() });
      expect(taken.status).toBe(409);
      expect(taken.text).toContain(`Another account already uses the address ${other.toUpperCase()}.`);
      const bad = await a.post(`/admin/users/${id}/edit`, { firstName: 'Changed', lastName: '', email: 'nope' });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('data-testid="error-email"');
      expect(bad.text).toContain('value="Changed"');
      expect(await h.userRow(id)).toMatchObject({ email, first_name: 'Ada' });
      expect((await h.outboxTo(other)).map((m) => m.template)).toEqual(['confirm-email']);
    });
  });

  describe('resending the confirmation', () => {
    it('mails a fresh confirmation link to an unconfirmed address (the old one stops working)', async () => {
      const email = t.address('unconfirmed');
      expect((await t.register(email)).status).toBe(200);
      const id = await t.userIdOf(email);
      const first = h.tokenOf(linkPath(await t.stack.mailTo(email), '/confirm-email'));
      const a = await admin();
      expect((await a.get(`/admin/users/${id}`)).text).toContain('data-testid="resend-confirmation"');
      const res = await a.post(`/admin/users/${id}/confirmation`);
      expect(res.status).toBe(303);
      expect((await a.get(res.headers.location)).text).toContain('The confirmation link was sent again.');
      const second = h.tokenOf(linkPath(await t.stack.mailTo(email, 2), '/confirm-email'));
      const b = t.browser();
      await b.get('/login');
      expect((await b.post('/confirm-email', { token: first })).status).toBe(400);
      expect((await b.post('/confirm-email', { token: second })).status).toBe(200);
      expect((await h.userRow(id)).email_confirmed_at).not.toBeNull();
    });

    it('mails the invitation again to an invited user, and refuses a confirmed address (409)', async () => {
      const a = await admin();
      await a.get('/admin/users/new');
      const email = t.address('reinvited');
      const id = h.idFrom((await a.post('/admin/users', { email, firstName: 'Re', lastName: '', roles: 'user' })).headers.location);
      const first = linkPath(await t.stack.mailTo(email), '/accept-invitation');
      const res = await a.post(`/admin/users/${id}/confirmation`);
      expect(res.status).toBe(303);
      expect((await a.get(res.headers.location)).text).toContain('The invitation was sent again.');
      const second = linkPath(await t.stack.mailTo(email, 2), '/accept-invitation');
      expect((await t.browser().get(first)).status).toBe(400);
      expect((await t.browser().get(second)).status).toBe(200);

      const { email: confirmed } = await t.member('confirmed');
      const refused = await a.post(`/admin/users/${await t.userIdOf(confirmed)}/confirmation`);
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('The address is already confirmed');
      expect((await h.outboxTo(confirmed)).length).toBe(1);
    });
  });
});
