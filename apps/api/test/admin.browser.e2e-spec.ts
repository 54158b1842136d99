import type { Browser } from 'playwright-core';
import {
  type BrowserStack,
  openWatchedPage,
  seedConfirmedUsers,
  signInThroughForm,
  startBrowserStack,
  type WatchedPage,
} from './support/browser.js';

const PASSWORD = 'browser admin passphrase';

/**
 * The admin panel in a real headless Chromium (file sessions, as a fresh clone runs): an admin
 * finds a user through the navigation and the search box, changes their roles and disables
 * them, and the user's own browser is signed out. Any Content-Security-Policy violation fails it.
 */
describe('admin panel in a real browser (Chromium)', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    stack = await startBrowserStack('admin_browser');
    ({ browser, base } = stack);
    await seedConfirmedUsers(stack.app, PASSWORD, [
      { email: 'ada@example.org', firstName: 'Ada', roles: ['admin'] },
      { email: 'grace@example.org', firstName: 'Grace', roles: ['user'] },
      { email: 'linus@example.org', firstName: 'Linus', roles: ['user'] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function signedIn(email: string): Promise<WatchedPage> {
    const opened = await openWatchedPage(browser);
    await signInThroughForm(opened.page, base, email, PASSWORD);
    return opened;
  }

  it('finds a user, changes their roles, disables them, and their browser is signed out', async () => {
    const grace = await signedIn('grace@example.org');
    expect(await grace.page.locator('[data-testid="nav-admin"]').count()).toBe(0);

    const ada = await signedIn('ada@example.org');
    const { page } = ada;
    await Promise.all([page.waitForURL(`${base}/admin/users`), page.click('[data-testid="nav-admin"]')]);
    expect(await page.locator('[data-testid="user-row"]').count()).toBeGreaterThanOrEqual(3);

    await page.fill('[data-testid="user-search"]', 'grace');
    await Promise.all([page.waitForURL(/\/admin\/users\?q=grace/), page.press('[data-testid="user-search"]', 'Enter')]);
    expect(await page.locator('[data-testid="user-row"]').count()).toBe(1);
    await Promise.all([page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/), page.click('text=grace@example.org')]);
    expect(await page.textContent('[data-testid="user-email"]')).toBe('grace@example.org');
    expect(await page.textContent('[data-testid="session-count"]')).toBe('1');

    await page.check('#role-dev');
    await Promise.all([page.waitForLoadState(), page.click('[data-testid="save-roles"]')]);
    expect(await page.textContent('[data-testid="flash"]')).toContain('Roles saved');
    expect(await page.isChecked('#role-dev')).toBe(true);
    expect(await page.isChecked('#role-user')).toBe(true);

    await Promise.all([page.waitForLoadState(), page.click('[data-testid="disable-user"]')]);
    expect(await page.textContent('[data-testid="flash"]')).toContain('disabled and signed out everywhere');
    expect(await page.textContent('[data-testid="user-status"]')).toBe('disabled');
    expect(await page.textContent('[data-testid="session-count"]')).toBe('0');
    expect(await page.locator('[data-testid="enable-user"]').count()).toBe(1);

    await grace.page.goto(`${base}/account`);
    expect(new URL(grace.page.url()).pathname).toBe('/login');

    expect(ada.violations).toEqual([]);
    expect(grace.violations).toEqual([]);
    await grace.context.close();
    await ada.context.close();
  });
});
