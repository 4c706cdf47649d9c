import { StringDecoder } from 'node:string_decoder';

export interface PromptIo {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

/** The user pressed Ctrl-C at the password prompt. */
export class PromptCancelledError extends Error {
  constructor() {
    super('password prompt cancelled');
    this.name = 'PromptCancelledError';
  }
}

/** Whether a password can be asked for: stdin and stderr are terminals. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const ESC = '\u001b';

/**
 * Reads one line without echo, like psql's `Password for user x: ` prompt: Enter (or Ctrl-D) ends it,
 * Backspace deletes, Ctrl-U clears, Ctrl-C rejects with PromptCancelledError. Escape sequences (arrow
 * keys) are ignored. Writes the prompt, and a newline after, to `output` (stderr by default).
 */
export function promptPassword(
  prompt: string,
  io: PromptIo = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const { input, output } = io;
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    const wasRaw = input.isTTY ? input.isRaw : false;
    let value = '';
    // 0: text; 1: after ESC; 2: inside a CSI or SS3 sequence, until its final byte.
    let escape = 0;
    let done = false;

    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      if (input.isTTY) input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };

    const onData = (chunk: Buffer | string): void => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const char of text) {
        if (done) return;
        if (escape === 1) {
          escape = char === '[' || char === 'O' ? 2 : 0;
          continue;
        }
        if (escape === 2) {
          if (char >= '@' && char <= '~') escape = 0;
          continue;
        }
        if (char === '\r' || char === '\n' || char === CTRL_D) finish();
        else if (char === CTRL_C) finish(new PromptCancelledError());
        else if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (char === CTRL_U) value = '';
        else if (char === ESC) escape = 1;
        else if (char >= ' ') value += char;
      }
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => finish(error);

    output.write(prompt);
    if (input.isTTY) input.setRawMode(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}
