import { type BigIntStats, close, fstat, open, read } from 'node:fs';

/** Records are small; a larger file is read in further chunks from the same descriptor. */
const READ_CHUNK = 16 * 1024;

/** What tells one version of a file from the next (why it matters: file-record-reader.ts). */
export interface FileIdentity {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/**
 * Reads a whole file and the identity of what was read (fstat on the same descriptor): open,
 * fstat, one read for files under READ_CHUNK, and a close that is not waited for.
 */
export function readWhole(path: string): Promise<{ bytes: Buffer; identity: FileIdentity }> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) {
        return reject(openError);
      }
      const chunks: Buffer[] = [];
      let total = 0;
      let identity: FileIdentity;
      const done = (error: NodeJS.ErrnoException | null) => {
        close(fd, () => undefined); // nothing to wait for: the bytes are in hand
        if (error) {
          reject(error);
        } else {
          resolve({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), identity });
        }
      };
      const next = () => {
        const buffer = Buffer.allocUnsafe(READ_CHUNK);
        read(fd, buffer, 0, READ_CHUNK, total, (readError, n) => {
          if (readError) {
            return done(readError);
          }
          if (n > 0) {
            chunks.push(buffer.subarray(0, n));
            total += n;
          }
          // A short read means end of file (for a regular file): no extra read to see 0 bytes.
          if (n < READ_CHUNK) {
            return done(null);
          }
          next();
        });
      };
      fstat(fd, { bigint: true }, (statError, info: BigIntStats) => {
        if (statError) {
          return done(statError);
        }
        identity = { ino: info.ino, size: info.size, mtimeNs: info.mtimeNs };
        next();
      });
    });
  });
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
