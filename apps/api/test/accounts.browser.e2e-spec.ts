import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, freePort, testEnv, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import { startApi } from './support/api-harness.js';
import { launchChromium } from './support/browser.js';

/**
 * A real headless Chromium signs in, sees the member page, signs out, and the back button shows
 * no private page. It also fails on any Content-Security-Policy violation the pages cause.
 */
describe('accounts in a real browser (Chromium)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase('browser');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startApi({ env: testEnv({ DATABASE_URL: db.url, APP_BASE_URL: base }) });
    await app.listen(port, '127.0.0.1');
    const hash = await app.get(PasswordHasher).hash('browser passphrase');
    await app
      .get(UsersRepository)
      .create({
        email: 'grace@example.org',
        firstName: 'Grace',
        lastName: 'Hopper',
        passwordHash: hash,
        roles: ['user'],
        emailConfirmedAt: new Date(),
      });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  function watchForCspViolations(page: Page): string[] {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) {
        violations.push(message.text());
      }
    });
    return violations;
  }

  it('signs in, sees the member page, signs out, and Back shows no private page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = watchForCspViolations(page);

    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/account');
    await page.fill('#email', 'grace@example.org');
    await page.fill('#password', 'browser passphrase');
    await Promise.all([page.waitForURL(`${base}/account`), page.click('[data-testid="login-submit"]')]);
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

  it('shows a wrong password above the form and keeps the address that was typed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = watchForCspViolations(page);
    await page.goto(`${base}/login`);
    await page.fill('#email', 'grace@example.org');
    await page.fill('#password', 'not the passphrase');
    await Promise.all([page.waitForLoadState(), page.click('[data-testid="login-submit"]')]);
    expect(await page.textContent('[data-testid="form-error"]')).toContain('Invalid email or password');
    expect(await page.inputValue('#email')).toBe('grace@example.org');
    expect(violations).toEqual([]);
    await context.close();
  });
});
