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
  /** Other cookies the app set (the pending-login cookie of a two-step sign-in), sent back like a browser would. */
  readonly others = new Map<string, string>();

  constructor(private readonly http: ReturnType<typeof request>) {}

  private remember(res: request.Response): request.Response {
    const header = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const c of header ?? []) {
      const pair = c.split(';')[0];
      const gone = /Max-Age=0/i.test(c) || pair.endsWith('=');
      if (/^(__Host-)?sid=/.test(pair)) {
        this.cookie = gone ? undefined : pair;
      } else {
        const name = pair.slice(0, pair.indexOf('='));
        if (gone) {
          this.others.delete(name);
        } else {
          this.others.set(name, pair);
        }
      }
    }
    if (res.type === 'text/html' && res.text.includes('name="_csrf"')) {
      this.csrf = csrfFrom(res.text);
    }
    return res;
  }

  /** The Cookie header this browser sends, if any. */
  cookieHeader(): string | undefined {
    const all = [this.cookie, ...this.others.values()].filter((c): c is string => c !== undefined);
    return all.length > 0 ? all.join('; ') : undefined;
  }

  async get(path: string): Promise<request.Response> {
    const req = this.http.get(path).set('Accept', 'text/html');
    const cookies = this.cookieHeader();
    return this.remember(await (cookies ? req.set('Cookie', cookies) : req));
  }

  /** Posts a form with the current CSRF token (load the form page first). */
  async post(path: string, fields: Record<string, string> = {}, options: { csrf?: string | null } = {}): Promise<request.Response> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const body = new URLSearchParams({ ...fields, ...(csrf ? { _csrf: csrf } : {}) }).toString();
    const req = this.http.post(path).type('form').set('Accept', 'text/html').send(body);
    const cookies = this.cookieHeader();
    return this.remember(await (cookies ? req.set('Cookie', cookies) : req));
  }
}
