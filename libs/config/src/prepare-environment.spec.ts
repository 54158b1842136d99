import { describeDatabaseUrl } from './prepare-environment.js';

describe('describeDatabaseUrl (the boot log line for a DATABASE_URL)', () => {
  it.each([
    ['postgres://app:s3cr%40t@db.internal:5432/app', 'postgres://app@db.internal:5432/app'],
    ['postgresql://app@db:5432/app?password=s3cret&sslmode=require', 'postgresql://app@db:5432/app'],
    ['postgres://db/app', 'postgres://db/app'],
    [undefined, 'DATABASE_URL is unset'],
    ['not a url', 'DATABASE_URL is not a valid URL'],
  ])('%s → %s', (url, shown) => {
    expect(describeDatabaseUrl(url)).toBe(shown);
    expect(describeDatabaseUrl(url)).not.toMatch(/s3c/);
  });
});
