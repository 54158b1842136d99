import { PasswordHasher, UsersRepository } from '@app/auth';
import type { Browser, Page } from 'playwright-core';
import { type BrowserStack, startBrowserStack, watchForCspViolations } from './support/browser.js';

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
    const hash = await stack.app.get(PasswordHasher).hash(PASSWORD);
    const users = stack.app.get(UsersRepository);
    for (const [email, roles] of [
      ['ada@example.org', ['admin']],
      ['grace@example.org', ['user']],
    ] as const) {
      await users.create({ email, firstName: 'A', lastName: '', passwordHash: hash, roles: [...roles], emailConfirmedAt: new Date() });
    }
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([page.waitForLoadState(), page.click('[data-testid="login-submit"]')]);
  }

  it('filters the trail by user, action and time range, with no CSP violation', async () => {
    const member = await browser.newContext();
    const memberPage = await member.newPage();
    await signIn(memberPage, 'grace@example.org', 'not the right passphrase');
    await signIn(memberPage, 'grace@example.org', PASSWORD);
    await member.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = watchForCspViolations(page);
    await signIn(page, 'ada@example.org', PASSWORD);
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
