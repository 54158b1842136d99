import { BadRequestException, ForbiddenException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { AppError } from './app-error.js';
import { isDependencyFailure } from './dependency-failure.js';
import { toErrorView } from './http-error.filter.js';

describe('toErrorView', () => {
  it('keeps the code, status and details of an AppError', () => {
    const view = toErrorView(new AppError('email_taken', HttpStatus.CONFLICT, 'That email is taken.', { field: 'email' }));
    expect(view).toMatchObject({ statusCode: 409, code: 'email_taken', message: 'That email is taken.', details: { field: 'email' } });
  });

  it('maps Nest HTTP exceptions to stable codes', () => {
    expect(toErrorView(new ForbiddenException()).code).toBe('forbidden');
    expect(toErrorView(new BadRequestException(['a', 'b'])).message).toBe('a; b');
  });

  it('turns a refused database connection into a 503, not a 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(toErrorView(refused)).toMatchObject({ statusCode: 503, code: 'service_unavailable' });
  });

  it('turns a lost connection reported by pg into a 503', () => {
    expect(toErrorView(new Error('Connection terminated unexpectedly')).statusCode).toBe(503);
  });

  it('hides the message of an unexpected error and keeps it for the log', () => {
    const view = toErrorView(new TypeError('cannot read x of undefined (token=abc)'));
    expect(view.statusCode).toBe(500);
    expect(view.message).not.toContain('token');
    expect(view.unexpected?.message).toContain('token');
  });

  it('passes client errors raised by body parsing through with their status', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(toErrorView(tooLarge)).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });

  it('keeps a deliberate 503 as a 503', () => {
    expect(toErrorView(new ServiceUnavailableException('maintenance')).statusCode).toBe(503);
  });
});

describe('isDependencyFailure', () => {
  it.each([
    [{ code: 'ECONNRESET' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [{ driverError: { code: 'ECONNREFUSED' } }],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
    [new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    [new Error('Command timed out')], // ioredis commandTimeout
    [new Error('Connection is closed.')],
    ...['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO'].map((code): [unknown] => [Object.assign(new Error(`${code}: disk`), { code })]),
    [{ cause: Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }) }],
  ])('recognises %o', (error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([[new Error('duplicate key value')], [{ code: '23505' }], [null], ['ECONNREFUSED']])('does not flag %o', (error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});
