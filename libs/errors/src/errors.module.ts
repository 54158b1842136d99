import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig } from '@app/config';
import { ErrorReporterLookup } from './error-reporter-lookup.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { createValidationPipe } from './validation.js';

/**
 * Installs the global error filter and validation pipe (in the api's root module). The filter
 * is exported too, for HTTP code outside Nest's pipeline that must answer through it.
 */
@Module({
  providers: [
    ErrorReporterLookup,
    { provide: HttpErrorFilter, inject: [AppConfig, ErrorReporterLookup], useFactory: (config: AppConfig, reporter: ErrorReporterLookup) => new HttpErrorFilter(config, reporter) },
    { provide: APP_FILTER, useExisting: HttpErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [HttpErrorFilter],
})
export class ErrorsModule {}
