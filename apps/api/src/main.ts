import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { closeOnSignals, exitOnStartupError } from '@app/core';
import { createApiApp } from './create-api-app.js';

try {
  const app = await createApiApp();
  const { http } = app.get(AppConfig);
  closeOnSignals(app, 'Api');
  await app.listen(http.port, http.host);
  new Logger('Api').log(`listening on http://${http.host}:${http.port} (public URL ${http.baseUrl})`);
} catch (error) {
  exitOnStartupError('api', error);
}
