import { PassThrough } from 'node:stream';
import { readSecret } from './read-secret.js';

function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  Object.assign(input, { setRawMode: (on: boolean) => input.rawModes.push(on) });
  let shown = '';
  const output = { write: (text: string) => ((shown += text), true) };
  return { input, output, shown: () => shown };
}

describe('readSecret', () => {
  it('on a terminal, echoes nothing of what is typed, handles backspace, and restores the mode', async () => {
    const t = terminal();
    const reading = readSecret('Password: ', t.input as never, t.output as never);
    t.input.write('hunter22');
    t.input.write('\u007f3\r');
    expect(await reading).toBe('hunter23');
    expect(t.shown()).toBe('Password: \n');
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('gives up on Ctrl-C', async () => {
    const t = terminal();
    const reading = readSecret('Password: ', t.input as never, t.output as never);
    t.input.write('abc\u0003');
    await expect(reading).rejects.toThrow('cancelled');
  });

  it('from a pipe, reads the first line only', async () => {
    const input = new PassThrough();
    const reading = readSecret('ignored', input as never, { write: () => true } as never);
    input.end('piped secret\r\nsecond line\n');
    expect(await reading).toBe('piped secret');
  });
});
