import type { AppConfig } from '@app/config';
import { exposureWarning, isLoopbackHost, urlToOpen } from './boot-messages.js';

const config = (http: Partial<AppConfig['http']>, isProduction = false) =>
  ({
    env: isProduction ? 'production' : 'development',
    isProduction,
    http: { host: '127.0.0.1', port: 3000, baseUrl: 'http://localhost:3000', acceptLoopbackOrigins: !isProduction, trustProxyHops: 0, ...http },
  }) as AppConfig;

describe('boot messages', () => {
  it('knows the loopback names', () => {
    expect(['localhost', '127.0.0.1', '127.0.1.1', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.org'].some(isLoopbackHost)).toBe(false);
  });

  it('prints one URL to open: APP_BASE_URL, with the port really listened on when it names this machine', () => {
    expect(urlToOpen(config({}), 3000)).toBe('http://localhost:3000/');
    expect(urlToOpen(config({ port: 0 }), 41234)).toBe('http://localhost:41234/');
    expect(urlToOpen(config({ baseUrl: 'https://dev.example.org' }), 3000)).toBe('https://dev.example.org/');
    expect(urlToOpen(config({ host: '0.0.0.0', baseUrl: 'https://app.example.org' }, true), 3000)).toBe('https://app.example.org/');
  });

  it('warns when development mode listens beyond loopback, never in production', () => {
    expect(exposureWarning(config({}))).toBeUndefined();
    expect(exposureWarning(config({ host: '0.0.0.0' }))).toMatch(/development mode on 0\.0\.0\.0.*NODE_ENV=production/);
    expect(exposureWarning(config({ host: '0.0.0.0' }, true))).toBeUndefined();
  });
});
