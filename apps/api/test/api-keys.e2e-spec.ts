import { RolesRepository } from '@app/auth';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';

/**
 * The JSON API's credentials: keys made on the account pages or through /api/credentials, how they
 * authenticate and stop doing so, and the published OpenAPI document. Once with sessions in Redis,
 * once in files (the pages that manage keys run on sessions).
 */
describe.each(SESSION_STORES)('api keys (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  it('publishes the OpenAPI document and its UI at /api/docs', async () => {
    const doc = await t.stack.http.get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/credentials', '/api/me', '/api/keys']));
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await t.stack.http.get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('API keys: dev only, shown once, used with either header style, deleted → refused at once', async () => {
    const { email, b } = await t.member('keys');
    expect((await b.get('/account/api-keys')).status).toBe(403);
    await t.stack.api.get(RolesRepository).addRoles(await t.userIdOf(email), ['dev']);

    const page = await b.get('/account/api-keys');
    expect(page.status).toBe(200);
    const created = await b.post('/account/api-keys', { label: 'deploy script', password: PASSWORD });
    expect(created.status).toBe(201);
    const token = /data-testid="new-key">([^<]+)</.exec(created.text)![1];
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const again = await b.get('/account/api-keys');
    expect(again.text).toContain('deploy script');
    expect(again.text).not.toContain(token.split('.')[1]); // the secret is never shown again

    const me = await t.stack.http.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ email, roles: ['dev', 'user'] });
    const [id, secret] = token.split('.');
    await t.stack.http.get('/api/me').set('API_ID', id).set('API_KEY', secret).expect(200);
    await t.stack.http
      .get('/api/me')
      .set('Authorization', `Bearer ${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)
      .expect(401);
    expect((await b.get('/account/api-keys')).text).not.toContain('never');

    // A key never opens a page; a session never drives the API.
    const asPage = await t.stack.http.get('/account').set('Authorization', `Bearer ${token}`).set('Accept', 'text/html');
    expect(asPage.status).toBe(303);
    const asApi = await t.stack.http.get('/api/me').set('Cookie', b.cookie!);
    expect(asApi.status).toBe(401);
    expect(asApi.body.code).toBe('unauthorized');

    await b.get('/account/api-keys');
    expect((await b.post(`/account/api-keys/${id}/delete`)).status).toBe(303);
    await t.stack.http.get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('POST /api/credentials: a key for the right password and role, the same 401 otherwise', async () => {
    const { email } = await t.member('creds');
    const plain = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD });
    expect(plain.status).toBe(403); // members without the dev role hold no keys
    await t.stack.api.get(RolesRepository).addRoles(await t.userIdOf(email), ['dev']);

    const wrong = await t.stack.http.post('/api/credentials').send({ email, password: 'not the password' });
    const unknown = await t.stack.http.post('/api/credentials').send({ email: t.address('ghost'), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });

    const issued = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, label: 'ci' }).expect(201);
    expect(issued.body.token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    await t.stack.http.get('/api/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);

    // Demoting the owner demotes the key at once: dev-only routes refuse it, plain ones still work.
    await t.stack.http.get('/api/keys').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    await t.stack.api.get(RolesRepository).removeRoles(await t.userIdOf(email), ['dev']);
    const demoted = await t.stack.http.get('/api/keys').set('Authorization', `Bearer ${issued.body.token}`);
    expect(demoted.status).toBe(403);
    expect(demoted.body.code).toBe('forbidden');
    await t.stack.http.get('/api/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);

    const bad = await t.stack.http.post('/api/credentials').send({ email, password: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    await t.stack.http.post('/api/credentials').set('Content-Type', 'application/json').send('{"email":').expect(400);
  });
});
