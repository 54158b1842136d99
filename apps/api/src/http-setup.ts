import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, projectRoot } from '@app/config';
import { requestIdMiddleware } from '@app/logging';
import { httpMetricsMiddleware } from '@app/metrics';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ApiDrain } from './health/api-drain.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);
const BOOTSTRAP_VERSION = (require('bootstrap/package.json') as { version: string }).version;

/**
 * Everything the HTTP app needs around Nest's router, in the order Express runs it:
 * request id, security headers, static files (before any per-request work they do not need:
 * no logging, no session, no body parsing), then Nest's own pipeline.
 */
export function configureHttp(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  const root = projectRoot();

  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // A number of hops, never `true`: only that many proxies may speak for the client's IP.
  app.set('trust proxy', config.http.trustProxyHops);

  if (config.metrics.served) {
    app.use(httpMetricsMiddleware);
  }
  app.use(app.get(ApiDrain).middleware);
  app.use(requestIdMiddleware);
  app.use(helmet(helmetOptions(config)));

  const staticOptions = { index: false, fallthrough: true, redirect: false } as const;
  app.useStaticAssets(join(root, 'node_modules/bootstrap/dist'), {
    ...staticOptions,
    prefix: '/assets/vendor/bootstrap/',
    // URLs carry ?v=<bootstrap version>, so the files can be cached for good.
    maxAge: '365d',
    immutable: true,
  });
  app.useStaticAssets(join(root, 'apps/api/public'), {
    ...staticOptions,
    prefix: '/assets/',
    maxAge: config.isProduction ? '1d' : 0,
  });

  const viewsDir = join(root, 'apps/api/views');
  const views = nunjucks.configure(viewsDir, {
    autoescape: true,
    express: app.getHttpAdapter().getInstance(),
    noCache: config.env === 'development',
  });
  views.addGlobal('appName', config.app.name);
  views.addGlobal('assetVersion', BOOTSTRAP_VERSION);
  // Pages that offer a password reset say that directory (LDAP) passwords are reset elsewhere.
  views.addGlobal('ldapSignIn', config.ldap !== null);
  // Times on pages: UTC to the minute ("2026-11-27 09:30"), the same on every page.
  views.addFilter('utcMinute', (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16));
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('njk');
}

/**
 * The CSP allows only our own origin: no inline script or style anywhere in the templates,
 * Bootstrap served from node_modules, no CDN. Bootstrap's CSS embeds small SVGs as data: URLs.
 */
export function helmetOptions(config: AppConfig): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only where the site is really served over https.
    strictTransportSecurity: config.isProduction ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  };
}
