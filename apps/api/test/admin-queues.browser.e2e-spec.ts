import { AppConfig } from '@app/config';
import { MAIL_TEMPLATE_NAMES } from '@app/mail';
import { JobQueue, workerConnection } from '@app/queue';
import { Worker } from 'bullmq';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { type BrowserStack, seedConfirmedUsers, signInThroughForm, startBrowserStack, watchForCspViolations } from './support/browser.js';

const PASSWORD = 'browser queues passphrase';

/**
 * The queue dashboard and the mail pages in a real headless Chromium, with the queue on
 * PostgreSQL (the browser stack sets no REDIS_URL): an admin finds a failed job through the
 * navigation, opens it and retries it; then previews every mail template. Any CSP violation and
 * any console error fail it: Chromium logs violations of every frame to the console (the sandboxed
 * preview runs no script, so only the console sees its own), and the pages' `securitypolicyviolation`
 * events are collected too.
 */
describe('queue dashboard and mail previews in a real browser (Chromium)', () => {
  let stack: BrowserStack;
  let failedId: string;

  beforeAll(async () => {
    stack = await startBrowserStack('admin_queues_browser');
    const config = stack.app.get(AppConfig);
    expect(config.queue.backend).toBe('postgres');
    await seedConfirmedUsers(stack.app, PASSWORD, [{ email: 'ada@example.org', firstName: 'Ada', roles: ['admin'] }]);
    // A job that uses up its one attempt, failed by a stand-in worker on the same PostgreSQL queue.
    const pool = new pg.Pool({ connectionString: config.database.url, max: 3, options: '-c search_path=bullmq' });
    const failing = new Worker(
      'system',
      () => {
        throw new Error('stand-in worker: refused');
      },
      { connection: workerConnection(config, pool), prefix: config.queue.prefix },
    );
    const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
    failedId = (await stack.app.get(JobQueue).queue('system').add('system.ping', { sentAt: Date.now() }, { attempts: 1 })).id!;
    await failed;
    await failing.close();
    await pool.end();
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** CSP violations from the console and from `securitypolicyviolation` events, and console errors. */
  async function watch(page: Page): Promise<string[]> {
    const problems = watchForCspViolations(page);
    page.on('console', (message) => {
      if (message.type() === 'error' && !problems.includes(message.text())) {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`securitypolicyviolation: ${text}`));
    // Runs in the page (as text: this project's TypeScript has no DOM types).
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => { void window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI); });",
    );
    return problems;
  }

  it('finds the failed job from the navigation, opens it and retries it; previews every mail template; no CSP violation', async () => {
    const { browser, base } = stack;
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page);
    await signInThroughForm(page, base, 'ada@example.org', PASSWORD);

    await Promise.all([page.waitForURL(`${base}/admin/users`), page.click('[data-testid="nav-admin"]')]);
    await Promise.all([page.waitForURL(`${base}/admin/queues`), page.click('[data-testid="admin-tab-queues"]')]);
    expect(await page.textContent('[data-testid="count-system-failed"]')).toBe('1');
    await Promise.all([page.waitForURL(`${base}/admin/queues/system?state=failed`), page.click('[data-testid="count-system-failed"]')]);
    expect(await page.locator('[data-testid="job-row"]').count()).toBe(1);
    await Promise.all([page.waitForURL(`${base}/admin/queues/system/jobs/${failedId}`), page.click('[data-testid="job-link"]')]);
    expect(await page.textContent('[data-testid="job-state"]')).toBe('failed');
    expect(await page.textContent('[data-testid="job-reason"]')).toBe('stand-in worker: refused');
    expect(await page.textContent('[data-testid="job-stack"]')).toContain('Error: stand-in worker: refused');

    await Promise.all([page.waitForURL(`${base}/admin/queues/system?state=failed`), page.click('[data-testid="retry-job"]')]);
    expect(await page.textContent('[data-testid="flash"]')).toContain(`Job ${failedId} is queued again`);
    expect(await page.textContent('[data-testid="count-failed"]')).toBe('0');
    expect(await (await stack.app.get(JobQueue).queue('system').getJob(failedId))!.getState()).toBe('waiting');

    await Promise.all([page.waitForURL(`${base}/admin/mail`), page.click('[data-testid="admin-tab-mail"]')]);
    await Promise.all([page.waitForURL(`${base}/admin/mail/templates`), page.click('[data-testid="mail-templates"]')]);
    expect(await page.locator('[data-testid="template-link"]').count()).toBe(MAIL_TEMPLATE_NAMES.length);
    for (const name of MAIL_TEMPLATE_NAMES) {
      await page.goto(`${base}/admin/mail/templates/${name}`);
      expect(await page.getAttribute('[data-testid="preview-html"]', 'sandbox')).toBe('');
      expect((await page.textContent('[data-testid="preview-text"]'))!.trim().length).toBeGreaterThan(0);
      const frame = page.frameLocator('[data-testid="preview-html"]');
      await frame.locator('body').waitFor();
      // The HTML part rendered inside the frame, with its inline styles applied (allowed there only).
      expect((await frame.locator('body').textContent())!.trim().length).toBeGreaterThan(0);
      const background = await frame
        .locator('body')
        .evaluate(
          (body) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(body).backgroundColor,
        );
      expect(background).toBe('rgb(248, 249, 250)');
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
