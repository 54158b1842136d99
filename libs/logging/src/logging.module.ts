import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { redactUrl } from './redact-url.js';

/** Never written to logs: credentials travel in these. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-api-secret"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** What a request log line says about the request and the response; tokens in the URL are redacted. */
export const HTTP_LOG_SERIALIZERS = {
  req: (req: { id: string; method: string; url: string; headers: Record<string, string> }) => ({
    id: req.id,
    method: req.method,
    url: redactUrl(req.url),
    userAgent: req.headers?.['user-agent'],
  }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/**
 * Structured logs with pino: JSON in production (one line per request, with the request id),
 * pretty single lines in development. Health probes are not logged; they would drown the rest.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.log.level,
          transport: config.log.pretty
            ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
            : undefined,
          genReqId: (req: IncomingMessage & { id?: string | number }) => req.id ?? '',
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
          customLogLevel: (_req: IncomingMessage, res: { statusCode: number }, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          serializers: HTTP_LOG_SERIALIZERS,
        },
      }),
    }),
  ],
  exports: [LoggerModule],
})
export class LoggingModule {}
