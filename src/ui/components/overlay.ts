import { displayWidth, fit, truncate } from '../../text/width.js';
import { theme } from '../theme.js';

/**
 * Draws a box with a title and lines over the middle of `body` (lines of exactly `width` columns),
 * replacing the lines it covers. The body keeps its height.
 */
export function overlayBox(body: string[], width: number, title: string, lines: string[], style: (s: string) => string = (s) => s): string[] {
  const inner = Math.min(width - 4, Math.max(displayWidth(title) + 4, ...lines.map((l) => displayWidth(l) + 2), 30));
  const boxWidth = inner + 2;
  const left = Math.max(0, Math.floor((width - boxWidth) / 2));
  const pad = ' '.repeat(left);
  const after = (w: number): string => ' '.repeat(Math.max(0, width - left - w));
  const top = `┌ ${truncate(title, inner - 2)} `;
  const box = [
    `${pad}${style(`${top}${'─'.repeat(Math.max(0, boxWidth - 1 - displayWidth(top)))}┐`)}${after(boxWidth)}`,
    ...lines.map((line) => `${pad}${style('│')}${fit(` ${line}`, inner)}${style('│')}${after(boxWidth)}`),
    `${pad}${style(`└${'─'.repeat(inner)}┘`)}${after(boxWidth)}`,
  ];
  const shown = box.slice(0, body.length);
  const start = Math.max(0, Math.floor((body.length - shown.length) / 2));
  const out = [...body];
  shown.forEach((line, i) => {
    out[start + i] = line;
  });
  return out;
}

export const dialogStyle = theme.warn;
