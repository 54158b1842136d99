import { UsersRepository } from '@app/auth';
import { SessionStore } from '@app/session';
import { linkPath, startAccountsStack, type AccountsStack } from './support/accounts-harness.js';
import { PASSWORD, SESSION_STORES } from './support/accounts-suite.js';
import { FormClient } from './support/form-client.js';

/** SESSION_MAX_PER_USER: signing in beyond the cap ends the user's oldest sessions, in Redis and in files. */
describe.each(SESSION_STORES)('session cap (%s sessions)', (store) => {
  let stack: AccountsStack;

  beforeAll(async () => {
    stack = await startAccountsStack(store, { SESSION_MAX_PER_USER: '3' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function signIn(email: string): Promise<FormClient> {
    const b = new FormClient(stack.http);
    await b.get('/login');
    expect((await b.post('/login', { email, password: PASSWORD })).status).toBe(303);
    return b;
  }

  it('keeps at most SESSION_MAX_PER_USER sessions per user, ending the oldest first at sign-in', async () => {
    const email = `cap-${store}@example.org`;
    const reg = new FormClient(stack.http);
    await reg.get('/register');
    expect((await reg.post('/register', { email, password: PASSWORD, firstName: 'Cap', lastName: 'Ped' })).status).toBe(200);
    const link = linkPath(await stack.mailTo(email), '/confirm-email');
    await reg.get(link);
    expect((await reg.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(200);

    const browsers: FormClient[] = [];
    for (let i = 0; i < 5; i += 1) {
      browsers.push(await signIn(email));
    }
    const statuses = [];
    for (const b of browsers) {
      statuses.push((await b.get('/account')).status);
    }
    // The two oldest sign-ins ended; the three newest are still signed in.
    expect(statuses).toEqual([303, 303, 200, 200, 200]);
    const user = (await stack.api.get(UsersRepository).findByEmail(email))!;
    expect(await stack.api.get(SessionStore).listByUser(user.id)).toHaveLength(3);
  });
});
