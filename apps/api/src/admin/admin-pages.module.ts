import { Module } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { AdminPagesController } from './admin-pages.controller.js';

/** The admin panel's pages, on the admin lib's services. */
@Module({
  imports: [AdminModule],
  controllers: [AdminPagesController],
})
export class AdminPagesModule {}
