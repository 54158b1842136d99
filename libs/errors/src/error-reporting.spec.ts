import type { ArgumentsHost } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { DependencyUnavailableError } from './app-error.js';
import { ErrorReporter, type ErrorReportInput } from './error-reporter.port.js';
import { HttpErrorFilter } from './http-error.filter.js';

class RecordingReporter extends ErrorReporter {
  readonly reports: ErrorReportInput[] = [];
  report(input: ErrorReportInput): void {
    this.reports.push(input);
  }
}

function hostFor(path: string, session?: { userId?: string }): ArgumentsHost {
  const req = {
    id: 'req-1',
    method: 'GET',
    path,
    url: `${path}?token=secret`,
    route: { path: '/things/:id' },
    session,
    accepts: () => 'json',
  };
  const res = { headersSent: false, status: () => res, setHeader: () => res, json: () => res };
  return { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
}

describe('HttpErrorFilter error reports', () => {
  const config = { env: 'test', isProduction: false } as AppConfig;

  it('reports an unexpected error with request id, route pattern and user, never the URL', () => {
    const reporter = new RecordingReporter();
    new HttpErrorFilter(config, reporter).catch(new TypeError('boom'), hostFor('/things/42', { userId: 'u-7' }));
    expect(reporter.reports).toHaveLength(1);
    expect(reporter.reports[0]).toMatchObject({ source: 'http', requestId: 'req-1', method: 'GET', route: '/things/:id', userId: 'u-7' });
    expect(JSON.stringify(reporter.reports[0])).not.toContain('token=secret');
  });

  it('does not report client errors or outages', () => {
    const reporter = new RecordingReporter();
    const filter = new HttpErrorFilter(config, reporter);
    filter.catch(new DependencyUnavailableError('job queue', new Error('connect ECONNREFUSED')), hostFor('/x'));
    filter.catch(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), hostFor('/x'));
    expect(reporter.reports).toHaveLength(0);
  });

  it('works without a reporter bound', () => {
    expect(() => new HttpErrorFilter(config).catch(new TypeError('boom'), hostFor('/x'))).not.toThrow();
  });
});
