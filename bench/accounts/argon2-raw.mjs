// Raw Argon2id verification throughput in its own process, so that it can be pinned to the
// same cores as the api it is compared with. Prints verifications per second as JSON.
import argon2 from 'argon2';

const [seconds, concurrency] = process.argv.slice(2).map(Number);
const password = 'a benchmark passphrase of decent length';
const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
const deadline = performance.now() + seconds * 1000;
let done = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      if (!(await argon2.verify(hash, password))) {
        throw new Error('verify failed');
      }
      done++;
    }
  }),
);
console.log(JSON.stringify({ rate: done / seconds }));
