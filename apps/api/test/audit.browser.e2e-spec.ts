import type { Browser } from 'playwright-core';
import { type BrowserStack, openWatchedPage, seedConfirmedUsers, signInThroughForm, startBrowserStack } from './support/browser.js';

const PASSWORD = 'browser audit passphrase';

/**
 * The audit trail in a real headless Chromium: a member fails to sign in, then signs in; the
 * admin opens the trail from the admin tabs and narrows it by user, action and time with the
 * filter form (the browser's own datetime-local inputs). Any Content-Security-Policy violation fails it.
 */
describe('audit trail in a real browser (Chromium)', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    stack = await startBrowserStack('audit_browser');
    ({ browser, base } = stack);
    await seedConfirmedUsers(stack.app, PASSWORD, [
      { email: 'ada@example.org', roles: ['admin'] },
      { email: 'grace@example.org', roles: ['user'] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('filters the trail by user, action and time range, with no CSP violation', async () => {
    const member = await browser.newContext();
    const memberPage = await member.newPage();
    await signInThroughForm(memberPage, base, 'grace@example.org', 'not the right passphrase', null);
    await signInThroughForm(memberPage, base, 'grace@example.org', PASSWORD, null);
    await member.close();

    const { context, page, violations } = await openWatchedPage(browser);
    await signInThroughForm(page, base, 'ada@example.org', PASSWORD, null);
    await page.goto(`${base}/admin/users`);
    await Promise.all([page.waitForURL(`${base}/admin/audit`), page.click('[data-testid="admin-tab-audit"]')]);
    const rows = page.locator('[data-testid="audit-row"]');
    expect(await rows.count()).toBe(3); // grace failed, grace signed in, ada signed in

    await page.fill('[data-testid="audit-user"]', 'grace@example.org');
    await Promise.all([page.waitForURL(/user=grace/), page.click('[data-testid="audit-submit"]')]);
    expect(await rows.count()).toBe(2);

    await page.selectOption('[data-testid="audit-action"]', 'auth.sign-in-failed');
    await Promise.all([page.waitForURL(/action=auth.sign-in-failed/), page.click('[data-testid="audit-submit"]')]);
    expect(await page.locator('[data-testid="audit-action-code"]').allTextContents()).toEqual(['auth.sign-in-failed']);
    expect(await page.inputValue('[data-testid="audit-user"]')).toBe('grace@example.org');

    // A range that ended before anything happened: nothing. The form's own datetime-local value.
    await page.fill('[data-testid="audit-to"]', '2020-01-01T00:00');
    await Promise.all([page.waitForURL(/to=2020-01-01T00%3A00/), page.click('[data-testid="audit-submit"]')]);
    expect(await page.locator('[data-testid="audit-empty"]').count()).toBe(1);

    expect(violations).toEqual([]);
    await context.close();
  });
});
