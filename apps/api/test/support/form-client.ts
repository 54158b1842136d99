import request from 'supertest';

/** The `name=value` pair of the session cookie a response sets, if any. */
export function cookieFrom(res: request.Response): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const pair = header?.map((c) => c.split(';')[0]).find((c) => /^(__Host-)?sid=./.test(c));
  return pair;
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) {
    throw new Error('no CSRF token in the page');
  }
  return match[1];
}

/**
 * Drives the pages like a browser with one cookie jar: keeps the session cookie across requests
 * (and its replacement after sign-in) and reads the CSRF token from the last form it loaded.
 */
export class FormClient {
  cookie?: string;
  csrf?: string;

  constructor(private readonly http: ReturnType<typeof request>) {}

  private remember(res: request.Response): request.Response {
    const header = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const c of header ?? []) {
      const pair = c.split(';')[0];
      if (/^(__Host-)?sid=/.test(pair)) {
        this.cookie = /Max-Age=0/i.test(c) || pair.endsWith('=') ? undefined : pair;
      }
    }
    if (res.type === 'text/html' && res.text.includes('name="_csrf"')) {
      this.csrf = csrfFrom(res.text);
    }
    return res;
  }

  async get(path: string): Promise<request.Response> {
    const req = this.http.get(path).set('Accept', 'text/html');
    return this.remember(await (this.cookie ? req.set('Cookie', this.cookie) : req));
  }

  /** Posts a form with the current CSRF token (load the form page first). */
  async post(path: string, fields: Record<string, string> = {}, options: { csrf?: string | null } = {}): Promise<request.Response> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const body = new URLSearchParams({ ...fields, ...(csrf ? { _csrf: csrf } : {}) }).toString();
    const req = this.http.post(path).type('form').set('Accept', 'text/html').send(body);
    return this.remember(await (this.cookie ? req.set('Cookie', this.cookie) : req));
  }
}
