export { AdminModule } from './admin.module.js';
export { AdminActionRefusedError, AdminUsersService } from './admin-users.service.js';
