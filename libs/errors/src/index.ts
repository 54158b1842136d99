export { AppError, DependencyUnavailableError } from './app-error.js';
export { isDependencyFailure } from './dependency-failure.js';
export { codeForStatus, titleForStatus } from './error-codes.js';
export { ErrorsModule } from './errors.module.js';
export { HttpErrorFilter, toErrorView, wantsJson, type ErrorView } from './http-error.filter.js';
export { createValidationPipe, fieldErrors, validationFailed } from './validation.js';
export { ErrorReporter, type ErrorReportInput } from './error-reporter.port.js';
export { ErrorReporterLookup } from './error-reporter-lookup.js';
