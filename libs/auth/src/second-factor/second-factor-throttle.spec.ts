import type { AppConfig } from '@app/config';
import { TooManyAttemptsError } from '../login/reserved-attempts.js';
import { SecondFactorThrottle } from './second-factor-throttle.js';

describe('SecondFactorThrottle (in memory)', () => {
  const config = {
    redis: { keyPrefix: 'x:' },
    auth: { failureWindowSeconds: 60, maxFailuresPerAccount: 2, maxFailuresPerIp: 5, maxFailuresPerAccountGlobal: 100 },
  } as unknown as AppConfig;

  it('limits one client per account, and the account from anywhere at twice that', async () => {
    const throttle = new SecondFactorThrottle(config, null);
    await throttle.reserve('user-1', '198.51.100.1');
    await throttle.reserve('user-1', '198.51.100.1');
    await expect(throttle.reserve('user-1', '198.51.100.1')).rejects.toBeInstanceOf(TooManyAttemptsError);
    await throttle.reserve('user-1', '198.51.100.2');
    await throttle.reserve('user-1', '198.51.100.2');
    // 4 counted on the account: its ceiling, whatever the client.
    await expect(throttle.reserve('user-1', '192.0.2.1')).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(throttle.reserve('user-2', '192.0.2.1')).resolves.toBeDefined();
  });

  it('a good code hands the check back and forgives that client; an abandoned check does not count', async () => {
    const throttle = new SecondFactorThrottle(config, null);
    await throttle.reserve('user-1', undefined);
    throttle.succeeded(await throttle.reserve('user-1', undefined));
    for (let i = 0; i < 5; i++) {
      throttle.abandoned(await throttle.reserve('user-1', undefined));
    }
    await throttle.reserve('user-1', undefined);
    await throttle.reserve('user-1', undefined);
    await expect(throttle.reserve('user-1', undefined)).rejects.toBeInstanceOf(TooManyAttemptsError);
  });
});
