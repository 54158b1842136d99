import { OneTimeTokensService, UsersRepository } from '@app/auth';
import type { Browser } from 'playwright-core';
import {
  type BrowserStack,
  openWatchedPage,
  seedConfirmedUsers,
  signInThroughForm,
  startBrowserStack,
  submitSignIn,
} from './support/browser.js';

/**
 * A real headless Chromium signs in, sees the member page, signs out, and the back button shows
 * no private page. It also fails on any Content-Security-Policy violation the pages cause.
 */
describe('accounts in a real browser (Chromium)', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    stack = await startBrowserStack('browser');
    ({ browser, base } = stack);
    await seedConfirmedUsers(stack.app, 'browser passphrase', [
      { email: 'grace@example.org', firstName: 'Grace', lastName: 'Hopper', roles: ['user'] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in, sees the member page, signs out, and Back shows no private page', async () => {
    const { context, page, violations } = await openWatchedPage(browser);

    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/account');
    await submitSignIn(page, 'grace@example.org', 'browser passphrase', `${base}/account`);
    expect(await page.textContent('[data-testid="member-home"]')).toContain('Welcome, Grace');
    expect(await page.textContent('[data-testid="signed-in-as"]')).toContain('Grace');

    await page.goto(`${base}/account/sessions`);
    expect(await page.locator('[data-testid="session-row"]').count()).toBe(1);

    await Promise.all([page.waitForURL(`${base}/`), page.click('[data-testid="logout"]')]);
    expect(await page.locator('[data-testid="signed-in-as"]').count()).toBe(0);
    const cookies = await context.cookies();
    expect(cookies.filter((c) => c.name === 'sid')).toEqual([]);

    await page.goBack();
    await page.waitForLoadState();
    expect(await page.locator('[data-testid="session-row"]').count()).toBe(0);
    expect(await page.locator('[data-testid="member-home"]').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/login');

    expect(violations).toEqual([]);
    await context.close();
  });

  it('sets a new password from a reset link: the form on the link page posts as same-origin', async () => {
    // Referrer-Policy no-referrer on this page once made Chromium post `Origin: null`, which the
    // same-origin check refused (403): a reset that worked over HTTP and failed in every browser.
    const user = await stack.app.get(UsersRepository).findByEmail('grace@example.org');
    const token = await stack.app.get(OneTimeTokensService).issue(user!.id, 'reset-password', user!.email, 3_600_000);
    const { context, page, violations } = await openWatchedPage(browser);
    await page.goto(`${base}/reset-password?token=${encodeURIComponent(token)}`);
    await page.fill('#password', 'browser passphrase, renewed');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('[data-testid="reset-submit"]'),
    ]);
    expect(answer.status()).toBe(200);
    await signInThroughForm(page, base, 'grace@example.org', 'browser passphrase, renewed');
    expect(violations).toEqual([]);
    await context.close();
  });

  it('shows a wrong password above the form and keeps the address that was typed', async () => {
    const { context, page, violations } = await openWatchedPage(browser);
    await signInThroughForm(page, base, 'grace@example.org', 'not the passphrase', null);
    expect(await page.textContent('[data-testid="form-error"]')).toContain('Invalid email or password');
    expect(await page.inputValue('#email')).toBe('grace@example.org');
    expect(violations).toEqual([]);
    await context.close();
  });
});
