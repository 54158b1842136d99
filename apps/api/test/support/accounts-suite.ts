import { UsersRepository } from '@app/auth';
import { startAccountsStack, linkPath, type AccountsStack } from './accounts-harness.js';
import { FormClient } from './form-client.js';

export const PASSWORD = 'a long and unusual passphrase';

/** The stores every account flow runs against: `describe.each(SESSION_STORES)`. */
export const SESSION_STORES = ['redis', 'file'] as const;

export interface AccountsSuite {
  /** The running stack (set in `beforeAll`; read it inside tests only). */
  readonly stack: AccountsStack;
  /** A fresh address for this file and store: `<label>-<store>-<n>@example.org`. */
  address(label: string): string;
  /** A browser with an empty cookie jar. */
  browser(): FormClient;
  register(email: string, password?: string, names?: { firstName: string; lastName: string }): ReturnType<FormClient['post']>;
  /** Registers, confirms through the mailed link, and returns a signed-in browser. */
  member(label: string, password?: string): Promise<{ email: string; b: FormClient }>;
  signIn(b: FormClient, email: string, password: string, next?: string): ReturnType<FormClient['post']>;
  userIdOf(email: string): Promise<string>;
}

/**
 * One accounts stack for the `describe` block it is called in (its own database, Redis key prefix
 * and session directory, so test files run in parallel), and the browser steps the account tests
 * share. Each test uses its own addresses, so the tests of a file do not depend on each other's order.
 * `env` adds variables, read when the stack starts (a server started by an earlier `beforeAll`
 * knows its port by then).
 */
export function useAccountsStack(store: (typeof SESSION_STORES)[number], env: () => Record<string, string> = () => ({})): AccountsSuite {
  let stack: AccountsStack | undefined;
  let counter = 0;

  beforeAll(async () => {
    stack = await startAccountsStack(store, env());
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const running = (): AccountsStack => {
    if (!stack) {
      throw new Error('the accounts stack is not running (read it inside a test)');
    }
    return stack;
  };
  const browser = () => new FormClient(running().http);

  async function register(email: string, password = PASSWORD, names = { firstName: 'Ada', lastName: 'Lovelace' }) {
    const b = browser();
    await b.get('/register');
    return b.post('/register', { email, password, ...names });
  }

  async function signIn(b: FormClient, email: string, password: string, next?: string) {
    await b.get(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    return b.post(next ? `/login?next=${encodeURIComponent(next)}` : '/login', { email, password });
  }

  const address = (label: string) => `${label}-${store}-${++counter}@example.org`;

  return {
    get stack() {
      return running();
    },
    address,
    browser,
    register,
    signIn,
    async member(label, password = PASSWORD) {
      const email = address(label);
      expect((await register(email, password)).status).toBe(200);
      const link = linkPath(await running().mailTo(email), '/confirm-email');
      const b = browser();
      await b.get(link);
      expect((await b.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(200);
      const signedIn = await signIn(b, email, password);
      expect(signedIn.status).toBe(303);
      return { email, b };
    },
    userIdOf: async (email) => (await running().api.get(UsersRepository).findByEmail(email))!.id,
  };
}
