// `npm run bench`: every benchmark, one after another, figures printed as they come.
import { coldStart } from './cold-start.mjs';

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
await coldStart();
