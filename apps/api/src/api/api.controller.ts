import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, LoginService, Public, Roles, SecondFactorRequiredError, SecondFactorService, TooManyAttemptsError } from '@app/auth';
import type { Request, Response } from 'express';
import { ApiKeyResponse, CredentialsRequest, CredentialsResponse, MeResponse } from './api.dto.js';

/** The JSON API. Authenticated by API key only (see AccessGuard); no session, no CSRF. */
@ApiTags('account')
@Controller('api')
export class ApiController {
  constructor(
    private readonly login: LoginService,
    private readonly apiKeys: ApiKeysService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Post('credentials')
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Exchange email and password (and, with two-step sign-in on, a code) for a new API key (dev and admin accounts).',
  })
  @ApiOkResponse({ type: CredentialsResponse })
  async credentials(
    @Body() body: CredentialsRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CredentialsResponse> {
    const user = await this.login.authenticate(body.email, body.password, req.ip ?? '').catch((error: unknown) => {
      if (error instanceof TooManyAttemptsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds)); // the 429 says when to come back
      }
      throw error;
    });
    // Two-step sign-in holds here too: the password alone does not mint a key. (Keys already
    // issued keep working: a key is its own credential, the "API keys are unaffected".)
    if (user.secondFactor && (body.code === undefined || !(await this.codeAccepted(user.id, body.code, req, res)))) {
      throw new SecondFactorRequiredError(body.code !== undefined);
    }
    const key = await this.apiKeys.createForUser(user.id, body.label);
    return { id: key.id, token: key.token, roles: key.roles };
  }

  private codeAccepted(userId: string, code: string, req: Request, res: Response): Promise<boolean> {
    return this.secondFactor.verifyCode(userId, code, req.ip).catch((error: unknown) => {
      if (error instanceof TooManyAttemptsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The account the API key belongs to.' })
  @ApiOkResponse({ type: MeResponse })
  me(@Req() req: Request): MeResponse {
    const user = req.user!;
    return { id: user.userId, email: user.email, firstName: user.firstName, lastName: user.lastName, roles: [...user.roles] };
  }

  @Get('keys')
  @Roles('dev')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's API keys (dev role): labels, roles and last use, never secrets." })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  async keys(@Req() req: Request): Promise<ApiKeyResponse[]> {
    const keys = await this.apiKeys.list(req.user!.userId);
    return keys.map((k) => ({
      id: k.id,
      label: k.label,
      roles: k.roles,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    }));
  }
}
