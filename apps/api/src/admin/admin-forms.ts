import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailField, NamesForm } from '../accounts/account-forms.js';
import { PageField } from './admin-query-fields.js';

/** `GET /admin/users?q=&page=`: checked by the global ValidationPipe, so bad values get a 400 page. */
export class UserSearchQuery {
  @IsOptional()
  @IsString({ message: 'q must be one piece of text' })
  @MaxLength(254)
  q?: string;

  @PageField()
  page?: number;
}

/** Checkboxes: none ticked sends no field at all, one ticked a string, several an array. */
const RolesField = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value])),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true, message: 'Roles are names.' }),
    MaxLength(32, { each: true, message: 'Roles are names.' }),
  );

export class RolesForm {
  @RolesField()
  roles: string[] = [];
}

export class ActiveForm {
  @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active: string;
}

/** Names and address of someone else's account (the account pages' own rules and messages). */
export class ProfileForm extends NamesForm {
  @EmailField()
  email: string;
}

/** A new account: no password field, its owner chooses one from the invitation. */
export class NewUserForm extends ProfileForm {
  @RolesField()
  roles: string[] = [];
}
