import { waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { linkPath } from './support/accounts-harness.js';
import { useAccountsStack } from './support/accounts-suite.js';

/**
 * No live reset or confirmation link rests in the outbox once the mail is sent: the stored copy
 * has the token replaced by a marker and the template's data is gone. (Where sessions are kept
 * does not matter here, so one store.) The request log's URL redaction is a unit test of the
 * serializer: libs/logging/src/redact-url.spec.ts.
 */
describe('secrets at rest: mail_outbox', () => {
  const t = useAccountsStack('redis');

  async function outboxText(db: DataSource, recipient: string): Promise<{ text: string; statuses: string[] }> {
    // Every column of every row to the address, as text: whatever column a token hides in shows up.
    const rows = await db.query<Array<{ status: string; row: string }>>(
      `SELECT status, to_jsonb(o)::text AS row FROM mail_outbox o WHERE lower(recipient) = lower($1)`,
      [recipient],
    );
    return { text: rows.map((r) => r.row).join('\n'), statuses: rows.map((r) => r.status) };
  }

  it('keeps no reset or confirmation token in any row of mail_outbox once the mail is sent', async () => {
    const db = t.stack.api.get(DataSource);
    const { email } = await t.member('at-rest');
    const confirmToken = new URLSearchParams(linkPath(await t.stack.mailTo(email, 1), '/confirm-email').split('?')[1]).get('token')!;

    const b = t.browser();
    await b.get('/forgot-password');
    expect((await b.post('/forgot-password', { email })).status).toBe(200);
    const mail = await t.stack.mailTo(email, 2);
    const resetToken = new URLSearchParams(linkPath(mail, '/reset-password').split('?')[1]).get('token')!;
    expect(resetToken.length).toBeGreaterThan(20);

    // markSent follows delivery: wait until every mail to the address is recorded as sent.
    await waitFor(async () => {
      const { statuses } = await outboxText(db, email);
      return statuses.length === 2 && statuses.every((s) => s === 'sent');
    }, 20_000);
    const { text } = await outboxText(db, email);
    expect(text).toContain('reset-password?token=REDACTED');
    expect(text).not.toContain(resetToken);
    expect(text).not.toContain(confirmToken);

    // The link still works: the mail delivered carried the real token.
    const page = await t.browser().get(linkPath(mail, '/reset-password'));
    expect(page.status).toBe(200);
  });
});
