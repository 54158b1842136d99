import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpErrorFilter } from './http-error.filter.js';
import { createValidationPipe } from './validation.js';

/** Installs the global error filter and validation pipe; import once, in the api's root module. */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class ErrorsModule {}
