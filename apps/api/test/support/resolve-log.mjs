// Loaded with `node --import` before the bundle: installs resolve-log-hooks.mjs.
import { register } from 'node:module';

register('./resolve-log-hooks.mjs', import.meta.url);
