import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { FormRateLimit, type RateLimitedAction, TooManyRequestsError } from './form-rate-limit.js';

const RATE_LIMITED = Symbol('RATE_LIMITED');

/** The longest address we count as one (RFC 5321's path limit); longer input is counted per client only. */
const MAX_ADDRESS = 254;

/**
 * Counts the request on FormRateLimit before the handler runs. A method guard, so it runs after
 * the global access and CSRF guards: a forged or anonymous request to a member form counts nowhere.
 * Over the limit it sets Retry-After and throws, and the one error path renders the 429.
 */
@Injectable()
export class FormRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limit: FormRateLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<RateLimitedAction | undefined>(RATE_LIMITED, context.getHandler());
    if (!action) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const address = typeof body.email === 'string' && body.email.length <= MAX_ADDRESS ? body.email : undefined;
    try {
      await this.limit.reserve(action, { ip: req.ip, address, userId: req.user?.userId });
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
    return true;
  }
}

/** `@RateLimited('register')`: the handler runs only if the request is under the action's limits. */
export function RateLimited(action: RateLimitedAction): MethodDecorator {
  return applyDecorators(SetMetadata(RATE_LIMITED, action), UseGuards(FormRateLimitGuard));
}
