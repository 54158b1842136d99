import { processEnv } from '@app/config';
import { createTestDatabase, freePort, testEnv, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type Browser, type Page } from 'playwright-core';
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
