import { jest } from '@jest/globals';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase, runCli } from '@app/testing';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60000);

// What the sample in libs/mail/src/mail-samples.ts holds; the test reads the built CLI's output only.
const CONFIRM_URL = 'https://app.example.org/confirm-email?token=sample-confirm-token';

/** Diagnostics other than the boot lines (which configuration layer gave what, which database). */
const messages = (stderr: string) =>
  stderr.split('\n').filter((line) => line !== '' && !line.startsWith('database:') && !line.startsWith('config'));

/** `npm run cli -- mail:preview`: every template rendered with its sample through the real renderer. */
describe('cli mail:preview', () => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_mail_preview');
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), APP_NAME: 'Preview Co' });
    dir = await mkdtemp(join(tmpdir(), 'mail-preview-'));
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the HTML part of confirm-email with its sample, inside the mail layout', async () => {
    const result = await runCli(['mail:preview', 'confirm-email'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^<!doctype html>/);
    expect(result.stdout).toContain('<title>Confirm your email address</title>');
    expect(result.stdout).toContain(`<a href="${CONFIRM_URL}"`);
    expect(result.stdout).toContain('<p>Hello Ada,</p>');
    expect(result.stdout).toMatch(/Preview Co · <a href="[^"]+"/);
    expect(result.stdout.trimEnd()).toMatch(/<\/html>$/);
  });

  it('prints the text part with --text', async () => {
    const result = await runCli(['mail:preview', 'confirm-email', '--text'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Hello Ada,\n/);
    expect(result.stdout).toContain(`\n${CONFIRM_URL}\n`);
    expect(result.stdout).not.toContain('<');
    expect(result.stdout).toMatch(/\n--\nPreview Co · \S+\n$/);
  });

  it('renders with Redis down: it only renders, so the queue does not need to be up', async () => {
    const result = await runCli(['mail:preview', 'confirm-email', '--text'], { ...env, REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`\n${CONFIRM_URL}\n`);
  });

  it('writes the part to --out instead of stdout', async () => {
    const file = join(dir, 'reset-password.txt');
    const result = await runCli(['mail:preview', 'reset-password', '--text', '--out', file], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote the text part of reset-password to ${file}\n`);
    expect(await readFile(file, 'utf8')).toContain('https://app.example.org/reset-password?token=sample-reset-token');
  });

  it('lists the templates and their subjects without an argument', async () => {
    const result = await runCli(['mail:preview'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^template\s+subject\n/);
    for (const name of ['confirm-email', 'reset-password', 'password-changed', 'account-exists', 'test', 'error-report']) {
      expect(result.stdout).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
    }
  });

  it('rejects an unknown template with one line naming the known ones and exit code 2', async () => {
    const result = await runCli(['mail:preview', 'welcome'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(messages(result.stderr)).toEqual([expect.stringMatching(/^error: unknown mail template "welcome" \(known: confirm-email, .*\berror-report\b.*\)$/)]);
  });
});
