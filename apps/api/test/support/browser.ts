import { PasswordHasher, UsersRepository } from '@app/auth';
import { processEnv } from '@app/config';
import { createTestDatabase, freePort, testEnv, type TestDatabase } from '@app/testing';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startApi } from './api-harness.js';

/**
 * Debian's Chromium driven by playwright-core (no downloaded browser). The flags keep it off the
 * network: this machine's sandbox refuses outbound connections, and Chromium's background
 * services would otherwise retry them at every start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: processEnv().CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects the console messages of Content-Security-Policy violations a page causes. */
export function watchForCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      violations.push(message.text());
    }
  });
  return violations;
}

/** A fresh context (no cookies) with one page in it, and the CSP violations that page causes. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  violations: string[];
}

export async function openWatchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page, violations: watchForCspViolations(page) };
}

/**
 * Types the address and password into the sign-in form the page shows and submits it, then waits
 * for `landing` (a URL, or null for whatever page answers, such as the form again with an error).
 */
export async function submitSignIn(page: Page, email: string, password: string, landing: string | RegExp | null): Promise<void> {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([landing === null ? page.waitForLoadState() : page.waitForURL(landing), page.click('[data-testid="login-submit"]')]);
}

/** Opens `${base}/login` and signs in as a person does; waits for `${base}/account` unless told another `landing`. */
export async function signInThroughForm(
  page: Page,
  base: string,
  email: string,
  password: string,
  landing: string | RegExp | null = `${base}/account`,
): Promise<void> {
  await page.goto(`${base}/login`);
  await submitSignIn(page, email, password, landing);
}

/** Users with confirmed addresses and one password (hashed by the app's own hasher), created straight in its database. */
export async function seedConfirmedUsers(
  app: INestApplication,
  password: string,
  users: ReadonlyArray<{ email: string; firstName?: string; lastName?: string; roles: readonly string[] }>,
): Promise<void> {
  const passwordHash = await app.get(PasswordHasher).hash(password);
  for (const { email, firstName = 'A', lastName = '', roles } of users) {
    await app.get(UsersRepository).create({ email, firstName, lastName, passwordHash, roles: [...roles], emailConfirmedAt: new Date() });
  }
}

export interface BrowserStack {
  db: TestDatabase;
  app: NestExpressApplication;
  browser: Browser;
  /** `http://127.0.0.1:<port>`, where the api listens. */
  base: string;
  stop(): Promise<void>;
}

/** The api on a real port (file sessions, as a fresh clone runs), a fresh database, and Chromium. */
export async function startBrowserStack(label: string): Promise<BrowserStack> {
  const db = await createTestDatabase(label);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await startApi({ env: testEnv({ DATABASE_URL: db.url, APP_BASE_URL: base }) });
  await app.listen(port, '127.0.0.1');
  const browser = await launchChromium();
  return {
    db,
    app,
    browser,
    base,
    async stop() {
      await browser.close();
      await app.close();
      await db.drop();
    },
  };
}
