/** Begin/end synchronized update: the terminal shows the frame at once (terminals without it ignore them). */
const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

export interface FrameStream {
  write(text: string): unknown;
}

/**
 * Draws frames of whole lines at fixed rows, rewriting only the lines that changed since the last frame.
 * Lines must be exactly as wide as the terminal (screenLines makes them so): each write covers its whole
 * row, so nothing of the old line is left. A new terminal size starts from a cleared screen.
 *
 * Why not Ink's own output: it rebuilds the screen character by character every frame (about 11 ms for
 * 40 lines here), and it keeps every distinct line it ever measured in caches that never shrink, which a
 * monitor redrawing changing lines all day would fill without end. Ink still reads the keys.
 */
export class FrameWriter {
  private previous: readonly string[] = [];
  private size = '';

  constructor(private readonly stream: FrameStream) {}

  draw(lines: readonly string[], columns: number, rows: number): void {
    let out = '';
    const size = `${columns}x${rows}`;
    if (size !== this.size) {
      out += '\x1b[H\x1b[2J';
      this.previous = [];
      this.size = size;
    }
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line === this.previous[i]) continue;
      out += `\x1b[${i + 1};1H\x1b[0m${line}`;
    }
    for (let i = lines.length; i < this.previous.length; i++) out += `\x1b[${i + 1};1H\x1b[0m\x1b[2K`;
    this.previous = lines.slice();
    if (out === '') return;
    try {
      this.stream.write(`${SYNC_START}${out}\x1b[0m${SYNC_END}`);
    } catch {
      // The terminal is gone (an SSH drop): the signal handler ends pgtop.
    }
  }

  /** Forgets what is on the screen: the next frame is drawn whole. */
  invalidate(): void {
    this.size = '';
  }
}
