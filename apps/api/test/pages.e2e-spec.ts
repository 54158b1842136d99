import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Public } from '@app/auth';
import { createTestDatabase, testEnv, type TestDatabase } from '@app/testing';
import { IsEmail, IsInt, Max, Min } from 'class-validator';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

class ProbeDto {
  @IsEmail()
  email: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count: number;
}

/** Routes that exist only in this test, to drive the error path from a controller. */
@Public()
@Controller()
class ProbeController {
  @Post('api/probe')
  echo(@Body() dto: ProbeDto) {
    return dto;
  }

  @Post('probe-form')
  form(@Body() dto: ProbeDto) {
    return dto;
  }

  @Get('api/boom')
  boom(): never {
    throw new Error('secret internal detail: password=hunter2');
  }

  @Get('boom')
  boomPage(): never {
    throw new Error('secret internal detail: password=hunter2');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('pages and the one error path', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('pages');
    app = await startApi({ env: testEnv({ DATABASE_URL: db.url }), imports: [ProbeModule] });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('serves the home page on the shared layout with a request id and a strict CSP', async () => {
    const res = await http.get('/').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<nav class="navbar');
    expect(res.text).toContain('/assets/vendor/bootstrap/css/bootstrap.min.css');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps a well-formed caller request id and replaces a malformed one', async () => {
    const kept = await http.get('/').set('X-Request-Id', 'edge-proxy-12345678').expect(200);
    expect(kept.headers['x-request-id']).toBe('edge-proxy-12345678');
    const replaced = await http.get('/').set('X-Request-Id', '<script>alert(1)</script>').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('renders a styled HTML 404 for browsers', async () => {
    const res = await http.get('/nope').set('Accept', 'text/html').expect(404);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('<nav class="navbar');
    expect(res.text).toContain(res.headers['x-request-id']);
  });

  it('answers JSON 404 with a stable code under /api', async () => {
    const res = await http.get('/api/nope').set('Accept', 'text/html').expect(404);
    expect(res.type).toBe('application/json');
    expect(res.body).toEqual({
      statusCode: 404,
      code: 'not_found',
      message: expect.any(String),
      requestId: res.headers['x-request-id'],
    });
  });

  it('answers JSON to clients that ask for it, whatever the path', async () => {
    const res = await http.get('/nope').set('Accept', 'application/json').expect(404);
    expect(res.body.code).toBe('not_found');
  });

  it('returns per-field validation messages and rejects unknown fields', async () => {
    const res = await http.post('/api/probe').send({ email: 'not-an-email', count: 99, admin: true }).expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(Object.keys(res.body.fields).sort()).toEqual(['admin', 'count', 'email']);
    expect(res.body.fields.email[0]).toMatch(/email/);
  });

  it('accepts a valid body', async () => {
    const res = await http.post('/api/probe').send({ email: 'a@example.com', count: 3 }).expect(201);
    expect(res.body).toEqual({ email: 'a@example.com', count: 3 });
  });

  it('shows field errors on an HTML page for form posts', async () => {
    const browser = new FormClient(http);
    await browser.get('/login'); // a form page: the session now holds a CSRF token
    const res = await browser.post('/probe-form', { email: 'bad', count: '0' });
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<strong>email</strong>');
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await http.post('/api/probe').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(res.body.code).toBe('bad_request');
  });

  it('answers an oversized body with a 413', async () => {
    const big = JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(200_000) });
    const res = await http.post('/api/probe').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('hides internal details of an unexpected error (JSON and HTML)', async () => {
    const json = await http.get('/api/boom').expect(500);
    expect(json.body.code).toBe('internal_error');
    expect(JSON.stringify(json.body)).not.toContain('hunter2');
    const page = await http.get('/boom').set('Accept', 'text/html').expect(500);
    expect(page.text).toContain('Something went wrong');
    expect(page.text).not.toContain('hunter2');
    expect(page.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('serves static assets with long caching, outside the Nest pipeline', async () => {
    const res = await http.get('/assets/vendor/bootstrap/css/bootstrap.min.css').expect(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.type).toBe('text/css');
  });

  it('serves a database-backed status page', async () => {
    const res = await http.get('/status').expect(200);
    expect(res.text).toContain('Init1764220000000');
    expect(res.text).toMatch(/data-testid="db-status">answering</);
    // No server version: a public page must not say which PostgreSQL release runs.
    const { DataSource } = await import('typeorm');
    const [{ version }] = (await app.get(DataSource).query(`SELECT current_setting('server_version') AS version`)) as Array<{ version: string }>;
    expect(res.text).not.toContain(version.split(' ')[0]);
  });
});
