/**
 * Reads a password without echoing it. On a terminal it switches stdin to raw mode and prints
 * nothing per key; from a pipe (scripts, CI, tests) it takes the first line. Written here rather
 * than with inquirer: inquirer's password prompt needs a terminal, and a provisioning script
 * must be able to pipe the password in without it ever appearing in argv or the environment.
 */
export async function readSecret(
  prompt: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) {
    return firstLine(input);
  }
  output.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n') {
            input.off('data', onData);
            output.write('\n');
            resolve(value);
            return;
          }
          if (char === '\u0003') {
            input.off('data', onData);
            output.write('\n');
            reject(new Error('cancelled'));
            return;
          }
          value = char === '\u007f' || char === '\b' ? [...value].slice(0, -1).join('') : value + char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

async function firstLine(input: NodeJS.ReadStream): Promise<string> {
  let data = '';
  for await (const chunk of input) {
    data += String(chunk);
    const newline = data.indexOf('\n');
    if (newline >= 0) {
      return data.slice(0, newline).replace(/\r$/, '');
    }
  }
  return data;
}
