import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ErrorReporter, type ErrorReportInput } from './error-reporter.port.js';

/**
 * Finds the app's ErrorReporter binding (libs/mail provides it) wherever the app composed it,
 * at the first report. The error filter and the queue's workers live below libs/mail and must
 * not import it, and a global module would hide who uses what; ModuleRef's non-strict lookup
 * does neither. No binding in the app: nothing is reported.
 */
@Injectable()
export class ErrorReporterLookup extends ErrorReporter {
  private found?: ErrorReporter | null;

  constructor(private readonly modules: ModuleRef) {
    super();
  }

  report(input: ErrorReportInput): void {
    this.found ??= this.lookUp();
    this.found?.report(input);
  }

  private lookUp(): ErrorReporter | null {
    try {
      return this.modules.get(ErrorReporter, { strict: false });
    } catch {
      return null;
    }
  }
}
