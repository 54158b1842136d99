import { freePort } from '@app/testing';
import type { Browser } from 'playwright-core';
import { type AccountsStack, startAccountsStack } from './support/accounts-harness.js';
import { ROOT } from './support/admin-lifecycle.js';
import { launchChromium, openWatchedPage, signInThroughForm } from './support/browser.js';

const PASSWORD = 'invited browser passphrase';

/**
 * Users from start to end in a real headless Chromium (file sessions, as a fresh clone runs),
 * with the worker and an SMTP sink: an admin creates a user, the invitation is taken from the
 * captured mail and followed in the invitee's own browser to choose a password and sign in; then
 * the admin deletes that user through the confirmation page and the invitee's browser is signed
 * out on its next page. Any Content-Security-Policy violation fails it.
 */
describe('admin: users from start to end in a real browser (Chromium)', () => {
  let stack: AccountsStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await startAccountsStack('file', { APP_BASE_URL: base });
    await stack.api.listen(port, '127.0.0.1');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('creates a user whose invitation, followed from the mail, sets a password and signs in; deleting them signs that browser out', async () => {
    const ada = await openWatchedPage(browser);
    await signInThroughForm(ada.page, base, ROOT.email, ROOT.password);
    const admin = ada.page;
    await Promise.all([admin.waitForURL(`${base}/admin/users`), admin.click('[data-testid="nav-admin"]')]);
    await Promise.all([admin.waitForURL(`${base}/admin/users/new`), admin.click('[data-testid="new-user"]')]);
    expect(await admin.locator('input[type="password"]').count()).toBe(0);
    expect(await admin.isChecked('#role-user')).toBe(true);
    await admin.fill('#email', 'grace@example.org');
    await admin.fill('#firstName', 'Grace');
    await admin.fill('#lastName', 'Hopper');
    await Promise.all([admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/), admin.click('[data-testid="create-user"]')]);
    expect(await admin.textContent('[data-testid="flash"]')).toContain('An invitation to choose a password went to grace@example.org');
    expect(await admin.textContent('[data-testid="user-email"]')).toBe('grace@example.org');
    const userPage = admin.url();

    const mail = await stack.mailTo('grace@example.org');
    const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/accept-invitation\\?token=[A-Za-z0-9_-]+`).exec(mail.parsed.text ?? '')?.[0];
    expect(link).toBeDefined();

    const grace = await openWatchedPage(browser);
    await grace.page.goto(link!);
    await grace.page.fill('#password', PASSWORD);
    await Promise.all([grace.page.waitForLoadState(), grace.page.click('[data-testid="invitation-submit"]')]);
    expect(await grace.page.textContent('[data-testid="message"]')).toContain('Your password is set and your address is confirmed.');
    await Promise.all([grace.page.waitForURL(`${base}/login`), grace.page.click('a.btn-primary[href="/login"]')]);
    await signInThroughForm(grace.page, base, 'grace@example.org', PASSWORD);

    await admin.goto(userPage);
    expect(await admin.textContent('[data-testid="session-count"]')).toBe('1');
    await Promise.all([admin.waitForURL(/\/delete$/), admin.click('[data-testid="delete-user"]')]);
    expect(await admin.textContent('h1')).toBe('Delete grace@example.org?');
    expect(await admin.textContent('[data-testid="delete-subject"]')).toContain('Grace Hopper');
    await Promise.all([admin.waitForURL(`${base}/admin/users`), admin.click('[data-testid="confirm-delete"]')]);
    expect(await admin.textContent('[data-testid="flash"]')).toContain('The account of grace@example.org is deleted');
    expect(await admin.locator('[data-testid="user-row"]', { hasText: 'grace@example.org' }).count()).toBe(0);

    await grace.page.goto(`${base}/account`);
    expect(new URL(grace.page.url()).pathname).toBe('/login');

    expect(ada.violations).toEqual([]);
    expect(grace.violations).toEqual([]);
    await grace.context.close();
    await ada.context.close();
  });
});
