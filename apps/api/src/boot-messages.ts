import type { AppConfig } from '@app/config';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The one address to open in a browser. APP_BASE_URL, except in development when it names this
 * machine: then the port is the one really listened on (PORT=0 picks a free one).
 */
export function urlToOpen(config: AppConfig, listenedPort: number): string {
  const url = new URL(config.http.baseUrl);
  if (config.http.acceptLoopbackOrigins && isLoopbackHost(url.hostname)) {
    url.port = String(listenedPort);
  }
  return url.toString();
}

/**
 * Development mode shows stack traces, prints the seeded admin's password, signs sessions with a
 * public default secret and sends cookies without Secure: fine on 127.0.0.1, not on a network.
 */
export function exposureWarning(config: AppConfig): string | undefined {
  if (config.isProduction || isLoopbackHost(config.http.host)) {
    return undefined;
  }
  return (
    `${config.env} mode on ${config.http.host}, reachable from other machines: stack traces, default secrets and ` +
    'non-Secure cookies are for local use only. Set NODE_ENV=production (npm run start:prod does) or HOST=127.0.0.1.'
  );
}
