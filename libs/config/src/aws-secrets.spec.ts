import { FakeSecretsManager, freePort } from '@app/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayers } from './config-layers.js';
import { sourceRefusalOf } from '../test/env-fixtures.js';

/** The AWS Secrets Manager layer against a local fake that speaks the service's GetSecretValue. */
describe('configuration layers: AWS Secrets Manager', () => {
  let fake: FakeSecretsManager;
  let dir: string;

  beforeAll(async () => {
    fake = await FakeSecretsManager.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-aws-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What an operator sets to use the secret; the fake ignores the (made-up) credentials. */
  const awsEnv = (secretId: string, endpoint = fake.url) => ({
    AWS_SECRETS_MANAGER_SECRET_ID: secretId,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  });
  const load = (env: Record<string, string>, dotEnv = '') => {
    writeFileSync(join(dir, '.env'), dotEnv);
    return loadLayers({ env, envFile: '.env', cwd: dir });
  };

  it('reads a JSON secret of variables, above .env and below the process environment', async () => {
    fake.answer('prod/app', { secretString: JSON.stringify({ SESSION_SECRET: 'from-aws-0123456789abcdef', LOG_LEVEL: 'warn', PORT: '4100' }) });
    const { values, origins } = await load({ ...awsEnv('prod/app'), PORT: '4200' }, 'LOG_LEVEL=debug\nHOST=10.0.0.9\n');
    expect(values).toMatchObject({ SESSION_SECRET: 'from-aws-0123456789abcdef', LOG_LEVEL: 'warn', PORT: '4200', HOST: '10.0.0.9' });
    expect(origins.get('SESSION_SECRET')).toBe('AWS Secrets Manager (prod/app)');
    expect(origins.get('LOG_LEVEL')).toBe('AWS Secrets Manager (prod/app)');
    expect(origins.get('PORT')).toBe('the process environment');
    expect(origins.get('HOST')).toBe('.env');
    expect(fake.requests.at(-1)).toEqual({ target: 'secretsmanager.GetSecretValue', secretId: 'prod/app' });
  });

  it('may be named by .env or the settings file, not only the environment', async () => {
    fake.answer('from-dotenv', { secretString: '{"LOG_LEVEL":"error"}' });
    const { AWS_SECRETS_MANAGER_SECRET_ID: _, ...rest } = awsEnv('from-dotenv');
    expect((await load(rest, 'AWS_SECRETS_MANAGER_SECRET_ID=from-dotenv\n')).values.LOG_LEVEL).toBe('error');
  });

  it('refuses a service that cannot be reached (a closed port), quickly', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const message = await sourceRefusalOf(load({ ...awsEnv('prod/app', closed), AWS_SECRETS_MANAGER_TIMEOUT_MS: '1000' }));
    expect(message).toMatch(new RegExp(`^AWS Secrets Manager secret "prod/app" could not be fetched: cannot reach the service ${closed} \\(ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a service that does not answer within AWS_SECRETS_MANAGER_TIMEOUT_MS', async () => {
    fake.answer('slow', 'hang');
    const started = Date.now();
    const message = await sourceRefusalOf(load({ ...awsEnv('slow'), AWS_SECRETS_MANAGER_TIMEOUT_MS: '300' }));
    expect(message).toBe('AWS Secrets Manager secret "slow" could not be fetched: no answer within 300 ms (AWS_SECRETS_MANAGER_TIMEOUT_MS)');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses when access is denied, with the service error', async () => {
    fake.answer('locked', { error: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/app is not authorized to perform: secretsmanager:GetSecretValue' });
    expect(await sourceRefusalOf(load(awsEnv('locked')))).toBe(
      'AWS Secrets Manager secret "locked" could not be fetched: AccessDeniedException (HTTP 400): User: arn:aws:iam::123456789012:user/app is not authorized to perform: secretsmanager:GetSecretValue',
    );
  });

  it('refuses a secret that does not exist', async () => {
    expect(await sourceRefusalOf(load(awsEnv('nobody/made/this')))).toMatch(/could not be fetched: ResourceNotFoundException \(HTTP 400\)/);
  });

  it('refuses a secret that is not JSON, without quoting it', async () => {
    fake.answer('plain', { secretString: 'hunter2-plain-password' });
    const message = await sourceRefusalOf(load(awsEnv('plain')));
    expect(message).toBe('AWS Secrets Manager secret "plain" is not JSON (expected an object whose keys are variable names)');
    fake.answer('list', { secretString: '["SESSION_SECRET"]' });
    expect(await sourceRefusalOf(load(awsEnv('list')))).toMatch(/must be a JSON object whose keys are variable names$/);
  });

  it('refuses values that are not strings, and keys that are not configuration variables', async () => {
    fake.answer('numbers', { secretString: JSON.stringify({ PORT: 4100, SESSION_SECRET: { v: 1 } }) });
    expect(await sourceRefusalOf(load(awsEnv('numbers')))).toBe('AWS Secrets Manager secret "numbers": the value of PORT, SESSION_SECRET must be a string');
    fake.answer('typo', { secretString: JSON.stringify({ SESSION_SECRETS: 'x', DATABASE_URL: 'postgres://db/app' }) });
    expect(await sourceRefusalOf(load(awsEnv('typo')))).toBe('AWS Secrets Manager secret "typo" has keys that are not configuration variables: SESSION_SECRETS');
    fake.answer('sources', { secretString: JSON.stringify({ APP_SETTINGS: 'x.json', AWS_SECRETS_MANAGER_SECRET_ID: 'other' }) });
    expect(await sourceRefusalOf(load(awsEnv('sources')))).toMatch(/not configuration variables: APP_SETTINGS, AWS_SECRETS_MANAGER_SECRET_ID$/);
  });

  it('refuses a variable given both by its _FILE and by the secret', async () => {
    fake.answer('both', { secretString: JSON.stringify({ SESSION_SECRET: 'from-aws-0123456789abcdef' }) });
    writeFileSync(join(dir, 's.txt'), 'from-file-0123456789abcdef');
    expect(await sourceRefusalOf(load({ ...awsEnv('both'), SESSION_SECRET_FILE: join(dir, 's.txt') }))).toBe(
      'SESSION_SECRET is given by both SESSION_SECRET_FILE and AWS Secrets Manager secret "both"; keep one',
    );
  });
});
