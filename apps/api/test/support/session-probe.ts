import { Body, Controller, Get, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import { SessionService } from '@app/session';
import { HttpSessionService, SessionHttpModule } from '@app/session-http';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lets a test hold a request after it has loaded its session, so "a slow request saves after
 * logout" is tested by ordering, not by guessing how long a loaded machine takes.
 */
export const slowRequestGate = {
  loaded: deferred(),
  release: deferred(),
  reset() {
    this.loaded = deferred();
    this.release = deferred();
  },
};

/** Node 20 has no Promise.withResolvers. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Routes that exercise the session modules through the real HTTP stack the way the accounts pages
 * will (sign in, sign out, revoke), without depending on accounts. Test-only.
 */
@Controller('probe')
class SessionProbeController {
  constructor(
    private readonly sessions: SessionService,
    private readonly browser: HttpSessionService,
  ) {}

  @Get('whoami')
  whoami(@Req() req: Request) {
    return { id: this.browser.currentId(req) ?? null, userId: req.session?.userId ?? null, value: req.session?.value ?? null };
  }

  @Post('remember')
  @HttpCode(200)
  remember(@Req() req: Request, @Body() body: { value?: string }) {
    req.session!.value = body.value ?? 'x';
    return { ok: true };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Body() body: { userId?: string }) {
    await this.browser.signIn(req, body.userId ?? 'user-1', 0);
    return { id: this.browser.currentId(req) };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.browser.destroy(req, res);
    return { ok: true };
  }

  /** Holds the loaded session until the test releases it, then changes it: the late save of a slow request. */
  @Post('slow')
  @HttpCode(200)
  async slow(@Req() req: Request) {
    slowRequestGate.loaded.resolve();
    await slowRequestGate.release.promise;
    req.session!.value = 'written-late';
    return { ok: true };
  }

  @Post('password-changed')
  @HttpCode(200)
  async passwordChanged(@Req() req: Request) {
    await this.sessions.revokeAllForUser(String(req.session!.userId), this.browser.currentId(req));
    return { ok: true };
  }

  @Get('mine')
  async mine(@Req() req: Request) {
    return this.sessions.listForUser(String(req.session!.userId), this.browser.currentId(req));
  }

  @Post('flash')
  flash(@Req() req: Request, @Res() res: Response) {
    this.browser.flash(req, 'success', 'Saved <b>safely</b>');
    res.redirect(303, '/');
  }
}

@Module({ imports: [SessionHttpModule], controllers: [SessionProbeController] })
export class SessionProbeModule {}

/** Looks at the store's backend directly, to assert what is (not) stored. */
export interface StoreBackend {
  has(id: string): Promise<boolean>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export function redisBackend(url: string, prefix: string): StoreBackend {
  const redis = new Redis(url);
  return {
    has: async (id) => (await redis.exists(`${prefix}sess:${id}`)) === 1,
    count: async () => (await redis.keys(`${prefix}sess:*`)).length,
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) {
        await redis.del(...keys);
      }
      await redis.quit();
    },
  };
}

export function fileBackend(dir: string): StoreBackend {
  return {
    has: async (id) => (await stat(join(dir, 's', id)).catch(() => null)) !== null,
    count: async () => (await readdir(join(dir, 's')).catch(() => [])).length,
    close: async () => undefined,
  };
}

/** `sid=<id>.<sig>` from a response's Set-Cookie, or undefined. */
export function sessionCookie(
  res: { headers: Record<string, unknown> },
  name = 'sid',
): { pair: string; id: string; header: string } | undefined {
  const headers = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  const header = headers.find((h) => h.startsWith(`${name}=`));
  if (!header) {
    return undefined;
  }
  const pair = header.split(';')[0];
  const value = decodeURIComponent(pair.slice(name.length + 1));
  return { pair, id: value.split('.')[0], header };
}
