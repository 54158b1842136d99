export { AppError, DependencyUnavailableError } from './app-error.js';
export { isDependencyFailure } from './dependency-failure.js';
export { ErrorsModule } from './errors.module.js';
export { HttpErrorFilter } from './http-error.filter.js';
export { validationFailed } from './validation.js';
export { ErrorReporter, type ErrorReportInput } from './error-reporter.port.js';
export { ErrorReporterLookup } from './error-reporter-lookup.js';
