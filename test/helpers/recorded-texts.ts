import { openRecordingFile } from '../../src/record/reader.js';

/** Per chunk of a recording: its pg_stat_statements fetches, how many times a text with `marker` was written in it, and its last time when it has a fetch. */
export function recordedTexts(file: string, marker: string): { fetches: number; texts: number; lastAt: number | undefined }[] {
  return openRecordingFile(file).chunks.map((chunk) => {
    const events = chunk.load();
    const fetches = events.filter((e) => e.type === 'statements-data');
    const texts = events.filter((e) => e.type === 'statements-texts' && Object.values(e.texts as Record<string, string>).some((text) => text.includes(marker)));
    return { fetches: fetches.length, texts: texts.length, lastAt: fetches.length > 0 ? events[events.length - 1]?.at : undefined };
  });
}
