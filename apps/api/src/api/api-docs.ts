import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import type { NextFunction, Request, Response } from 'express';

export const API_DOCS_PATH = 'api/docs';

/**
 * OpenAPI document and Swagger UI at /api/docs (JSON at /api/docs/openapi.json). Swagger UI's
 * page carries inline styles, so only there the CSP allows them; scripts stay 'self'.
 */
export function setupApiDocs(app: NestExpressApplication): void {
  const title = `${app.get(AppConfig).app.name} API`;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        'JSON API. Authenticate with an API key: `Authorization: Bearer <id>.<secret>` (create one on your account page or with POST /api/credentials).',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: '<id>.<secret>' })
      .build(),
  );
  app.use(`/${API_DOCS_PATH}`, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
    );
    next();
  });
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: `${API_DOCS_PATH}/openapi.json`,
    customSiteTitle: title,
  });
}
