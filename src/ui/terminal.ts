/** The alternate screen: pgtop draws there and leaves the user's screen exactly as it was. */
const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

let inside = false;

function write(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // The terminal is gone (an SSH drop): nothing left to restore.
  }
}

export function enterAlternateScreen(stream: NodeJS.WriteStream): void {
  if (inside) return;
  inside = true;
  write(stream, ENTER);
}

export function leaveAlternateScreen(stream: NodeJS.WriteStream): void {
  if (!inside) return;
  inside = false;
  write(stream, LEAVE);
  try {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  } catch {
    // stdin already closed
  }
}

/** Ink checks the CI variables once, when it loads, and then draws only the last frame: never right on a real terminal. */
export function forgetCiEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const key of Object.keys(env)) {
    if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete env[key];
  }
}
