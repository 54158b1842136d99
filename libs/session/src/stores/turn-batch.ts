/** One request waiting in a batch, and whom to tell. */
export interface Batched<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

// Captured at load: test doubles that fake the global timers must not stall a store.
const nextTurn = setImmediate;

/**
 * Collects the requests made during one turn of the event loop and hands them to `run` together
 * at its end. Both session stores batch this way (why, in their header comments); `run` answers
 * each request on its own.
 */
export class TurnBatch<I, O> {
  private pending: Batched<I, O>[] = [];

  constructor(private readonly run: (batch: Batched<I, O>[]) => void) {}

  request(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.pending.push({ input, resolve, reject }) === 1) {
        nextTurn(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    this.run(batch);
  };
}
