export { AdminModule } from './admin.module.js';
export { AdminActionRefusedError, AdminUsersService, USERS_PER_PAGE, type UserPage } from './admin-users.service.js';
