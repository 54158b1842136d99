export { CoreModule } from './core.module.js';
export { exitOnStartupError } from './startup-error.js';
