import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CredentialsRequest {
  @ApiProperty({ example: 'dev@example.com' })
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @MaxLength(256)
  @MinLength(1)
  @IsString()
  password: string;

  @ApiProperty({
    required: false,
    example: '123456',
    maxLength: 64,
    description: 'For an account with two-step sign-in: the current code from the authenticator app, or a recovery code.',
  })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  code?: string;

  @ApiProperty({ required: false, example: 'deploy script', maxLength: 100 })
  @MaxLength(100)
  @IsString()
  label: string = 'API credentials';
}

export class CredentialsResponse {
  @ApiProperty({ description: 'Key id (public).' })
  id: string;

  @ApiProperty({ description: 'Send as "Authorization: Bearer <token>". Shown once; only a digest is stored.' })
  token: string;

  @ApiProperty({ type: [String] })
  roles: string[];
}

export class MeResponse {
  @ApiProperty()
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty({ type: [String] })
  roles: string[];
}

export class ApiKeyResponse {
  @ApiProperty()
  id: string;

  @ApiProperty()
  label: string;

  @ApiProperty({ type: [String] })
  roles: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt: string | null;
}
