import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `GET /admin/users?q=&page=`: checked by the global ValidationPipe, so bad values get a 400 page. */
export class UserSearchQuery {
  @IsOptional()
  @IsString({ message: 'q must be one piece of text' })
  @MaxLength(254)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1)
  @Max(100000)
  page?: number;
}

/** Checkboxes: none ticked sends no field at all, one ticked a string, several an array. */
export class RolesForm {
  @Transform(({ value }: { value: unknown }) => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true, message: 'Roles are names.' })
  @MaxLength(32, { each: true, message: 'Roles are names.' })
  roles: string[] = [];
}

export class ActiveForm {
  @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active: string;
}
