// `npm run bench`: every benchmark, one after another, figures printed as they come.
import { cpus } from 'node:os';
import { coldStart } from './cold-start.mjs';
import { sessionsBench } from './sessions.mjs';
import { queueBench } from './queue.mjs';
import { accountsBench } from './accounts.mjs';
import { capacityBench } from './capacity.mjs';
import { memoryBench } from './memory.mjs';
import { cacheBench } from './cache.mjs';
import { cacheLibrariesBench } from './cache-libraries.mjs';

console.log(`node ${process.version}, ${cpus().length} cores\n`);
await coldStart();
await sessionsBench();
await queueBench();
await accountsBench();
await capacityBench();
await memoryBench();
await cacheBench();
await cacheLibrariesBench();
