import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

const TAG = 'v2 ';

/**
 * The on-disk form of one session record, bound to its id:
 * `v2 <base64url HMAC-SHA256(key, id NUL json)>\n<record json>`. A file copied or renamed to
 * another id, or edited by hand, fails the check. The JSON is parsed once per read, after the
 * HMAC (computed over the raw bytes) has been checked.
 */
export class SignedRecordFormat {
  private readonly keys: KeyObject[];

  /** @param secrets newest first: the newest signs, every one verifies (rotation) */
  constructor(secrets: readonly string[]) {
    // Derived once; KeyObjects spare createHmac converting the key on every record.
    this.keys = secrets.map((s) => createSecretKey(createHash('sha256').update(`file-session-store\0${s}`).digest()));
  }

  encode(id: string, json: string): string {
    return `${TAG}${this.mac(this.keys[0], id, json)}\n${json}`;
  }

  /** The record's JSON if the bytes are a well-formed file signed for `id`; null otherwise. */
  decode(id: string, bytes: Buffer): string | null {
    if (bytes.length <= TAG.length || bytes.toString('latin1', 0, TAG.length) !== TAG) {
      return null;
    }
    const eol = bytes.indexOf(10, TAG.length);
    if (eol < 0) {
      return null;
    }
    const json = bytes.subarray(eol + 1);
    return this.verify(id, bytes.toString('latin1', TAG.length, eol), json) ? json.toString('utf8') : null;
  }

  private mac(key: KeyObject, id: string, json: string | Buffer): string {
    return createHmac('sha256', key).update(id).update('\0').update(json).digest('base64url');
  }

  /** Constant-time check of `given` against the HMAC under every key (newest first). */
  private verify(id: string, given: string, json: Buffer): boolean {
    const givenBytes = Buffer.from(given);
    return this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, id, json));
      return expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes);
    });
  }
}
