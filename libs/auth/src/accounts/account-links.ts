import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';

/** Links in mails come from the configured base URL, never from the request's Host header. */
@Injectable()
export class AccountLinks {
  constructor(private readonly config: AppConfig) {}

  private url(path: string, token?: string): string {
    const url = new URL(path, `${this.config.http.baseUrl}/`);
    if (token) {
      url.searchParams.set('token', token);
    }
    return url.toString();
  }

  confirmEmail(token: string): string {
    return this.url('confirm-email', token);
  }

  resetPassword(token: string): string {
    return this.url('reset-password', token);
  }

  acceptInvitation(token: string): string {
    return this.url('accept-invitation', token);
  }

  login(): string {
    return this.url('login');
  }

  forgotPassword(): string {
    return this.url('forgot-password');
  }
}
