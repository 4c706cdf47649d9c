/** pgtop's screen once it shows a full frame: the header with the server's version, the titles, and a session row. */
export function pgtopFrameReady(screen: string): boolean {
  const lines = screen.split('\n');
  if (!lines.some((line) => /pgtop/.test(line) && /\bpg \d+/.test(line))) return false;
  const titles = lines.findIndex((line) => /^\s*PID\b/.test(line));
  return titles >= 0 && lines.slice(titles + 1).some((line) => /^[\s*]*\d+\s/.test(line));
}
