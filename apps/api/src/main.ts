import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { AppConfig, prepareEnvironment } from '@app/config';
import { applyHeapGrowth, closeOnSignals, exitOnStartupError } from '@app/core';
import { exposureWarning, urlToOpen } from './boot-messages.js';
import { createApiApp } from './create-api-app.js';

try {
  // Before the config is validated and any module is built: the configuration layers (settings
  // file, .env, secret files, AWS Secrets Manager), and the embedded PostgreSQL when DATABASE_URL is unset.
  const prepared = await prepareEnvironment();
  const app = await createApiApp();
  const config = app.get(AppConfig);
  const logger = new Logger('Api');
  prepared.layerLines.forEach((line) => logger.log(line));
  logger.log(prepared.databaseLine);
  const heapLine = applyHeapGrowth(config.memory.heapGrowthPercent);
  if (heapLine) {
    logger.log(heapLine);
  }
  if (prepared.embeddedDatabase?.startedHere) {
    logger.log('embedded PostgreSQL keeps running after the api stops, for the next start; npm run db:stop stops it');
  }
  const warning = exposureWarning(config);
  if (warning) {
    logger.warn(warning);
  }
  closeOnSignals(app, 'Api');
  await app.listen(config.http.port, config.http.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.log(`listening on ${config.http.host}:${port}; open ${urlToOpen(config, port)}`);
} catch (error) {
  exitOnStartupError('api', error);
}
