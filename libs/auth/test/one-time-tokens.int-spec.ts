import { toAppConfig, validateEnv } from '@app/config';
import { databaseOptions, migrate } from '@app/database';
import { createTestDatabase, testEnv, type TestDatabase } from '@app/testing';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OneTimeTokensRepository } from '../src/tokens/one-time-tokens.repository.js';
import { OneTimeTokensService } from '../src/tokens/one-time-tokens.service.js';
import { digest } from '../src/tokens/secret-token.js';

describe('one-time tokens (PostgreSQL)', () => {
  let db: TestDatabase;
  let source: DataSource;
  let tokens: OneTimeTokensService;
  let userId: string;

  beforeAll(async () => {
    db = await createTestDatabase('tokens');
    source = new DataSource(databaseOptions(toAppConfig(validateEnv(testEnv({ DATABASE_URL: db.url })))));
    await source.initialize();
    await migrate(source, new Logger('test'));
    tokens = new OneTimeTokensService(new OneTimeTokensRepository(source));
    const rows: Array<{ id: string }> = await source.query(`INSERT INTO users (email) VALUES ('t@example.org') RETURNING id`);
    userId = rows[0].id;
  });

  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('stores only a digest, and redeems a token exactly once even when two requests race', async () => {
    const secret = await tokens.issue(userId, 'reset-password', 't@example.org', 60_000);
    const stored: Array<{ token_hash: Buffer }> = await source.query(`SELECT token_hash FROM one_time_tokens WHERE user_id = $1`, [userId]);
    expect(stored.some((r) => r.token_hash.equals(digest(secret)))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const results = await Promise.all([
      tokens.redeem(secret, 'reset-password'),
      tokens.redeem(secret, 'reset-password'),
      tokens.redeem(secret, 'reset-password'),
    ]);
    expect(results.filter(Boolean)).toEqual([{ userId, email: 't@example.org' }]);
  });

  it('refuses a token for another purpose, an expired one, a superseded one and malformed input', async () => {
    const confirm = await tokens.issue(userId, 'confirm-email', 't@example.org', 60_000);
    expect(await tokens.redeem(confirm, 'reset-password')).toBeNull();

    const expired = await tokens.issue(userId, 'reset-password', 't@example.org', 60_000);
    await source.query(`UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [digest(expired)]);
    expect(await tokens.peek(expired, 'reset-password')).toBeNull();
    expect(await tokens.redeem(expired, 'reset-password')).toBeNull();

    const older = await tokens.issue(userId, 'reset-password', 't@example.org', 60_000);
    const newer = await tokens.issue(userId, 'reset-password', 't@example.org', 60_000);
    expect(await tokens.redeem(older, 'reset-password')).toBeNull();
    expect(await tokens.redeem(newer, 'reset-password')).not.toBeNull();

    for (const junk of [undefined, '', 'short', ['array'], "' OR 1=1 --", 'x'.repeat(43)]) {
      expect(await tokens.redeem(junk, 'reset-password')).toBeNull();
    }
  });

  it('purges tokens that can no longer be used', async () => {
    const live = await tokens.issue(userId, 'confirm-email', 't@example.org', 60_000);
    await source.query(`UPDATE one_time_tokens SET expires_at = now() - interval '2 days' WHERE token_hash <> $1`, [digest(live)]);
    expect(await tokens.purgeExpired()).toBeGreaterThan(0);
    const left: Array<{ n: string }> = await source.query(`SELECT count(*) AS n FROM one_time_tokens`);
    expect(Number(left[0].n)).toBe(1);
    expect(await tokens.peek(live, 'confirm-email')).not.toBeNull();
  });
});
