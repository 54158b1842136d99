export { CoreModule } from './core.module.js';
export { exitOnStartupError } from './startup-error.js';
export { closeOnSignals } from './graceful-shutdown.js';
export { ENTITIES } from './entities.js';
export { applyHeapGrowth } from './heap-growth.js';
