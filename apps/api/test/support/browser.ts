import { processEnv } from '@app/config';
import { chromium, type Browser } from 'playwright-core';

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
