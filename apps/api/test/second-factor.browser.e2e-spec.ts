import type { Browser } from 'playwright-core';
import {
  type BrowserStack,
  openWatchedPage,
  seedConfirmedUsers,
  signInThroughForm,
  startBrowserStack,
  submitSignIn,
} from './support/browser.js';
import { totpCode } from './support/second-factor.js';

/**
 * Two-step sign-in in a real headless Chromium: enrol from the account page (the key read off
 * the page as a person would type it into their app, the code computed as the app would), sign
 * out, sign in with the password and then a code. Any Content-Security-Policy violation on
 * these pages (the QR code is inline SVG) fails the test.
 */
describe('two-step sign-in in a real browser (Chromium)', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    stack = await startBrowserStack('browser_2fa');
    ({ browser, base } = stack);
    await seedConfirmedUsers(stack.app, 'orbital passphrase', [
      { email: 'katherine@example.org', firstName: 'Katherine', lastName: 'Johnson', roles: ['user'] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('enrols with the key from the page, signs out, and signs in with the password and then a code', async () => {
    const { context, page, violations } = await openWatchedPage(browser);

    await signInThroughForm(page, base, 'katherine@example.org', 'orbital passphrase');

    await page.goto(`${base}/account/two-factor`);
    const qr = page.locator('[data-testid="totp-qr"] svg');
    expect(await qr.count()).toBe(1);
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThan(100); // drawn at a scannable size (CSS from the stylesheet, no inline style)
    const secret = (await page.textContent('[data-testid="totp-secret"]'))!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.fill('#code', totpCode(secret));
    await Promise.all([page.waitForLoadState(), page.click('[data-testid="confirm-two-factor"]')]);
    expect(await page.locator('[data-testid="two-factor-enabled"]').count()).toBe(1);
    expect(await page.locator('[data-testid="recovery-codes"] li').count()).toBe(10);

    await Promise.all([page.waitForURL(`${base}/`), page.click('[data-testid="logout"]')]);

    await page.goto(`${base}/login?next=%2Faccount%2Fsessions`);
    await submitSignIn(page, 'katherine@example.org', 'orbital passphrase', /\/login\/code/);
    // Not signed in yet: only the anonymous form binding and the pending-login cookie.
    expect(await page.locator('[data-testid="signed-in-as"]').count()).toBe(0);
    const pending = (await context.cookies()).find((c) => c.name === 'sid-2fa');
    expect(pending).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // The next step's code: the enrolment used the current one, and a code is good only once.
    await page.fill('#code', totpCode(secret, 30_000));
    await Promise.all([page.waitForURL(`${base}/account/sessions`), page.click('[data-testid="code-submit"]')]);
    expect(await page.textContent('[data-testid="signed-in-as"]')).toContain('Katherine');
    expect((await context.cookies()).find((c) => c.name === 'sid-2fa')).toBeUndefined();
    expect(await page.locator('[data-testid="session-row"]').count()).toBe(1);

    expect(violations).toEqual([]);
    await context.close();
  });
});
