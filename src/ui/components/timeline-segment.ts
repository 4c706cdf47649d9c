import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { seg, type Segment } from './segments.js';

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/**
 * The timeline in the header when the screen is not live: a replay's recorded time, position and speed,
 * or how far back a rewind is; shown first and inverted, so it cannot be taken for live data.
 */
export function timelineSegments(state: AppState): Segment[] {
  const timeline = state.timeline;
  if (!timeline) return [];
  const span = Math.max(1, timeline.end - timeline.start);
  const percent = Math.round(((timeline.at - timeline.start) / span) * 100);
  const motion = timeline.playing ? `▶ ${timeline.speed}×` : `⏸ paused (${timeline.speed}×)`;
  const segments =
    timeline.mode === 'replay'
      ? [seg(` REPLAY ${clock(timeline.at)} `, theme.selected), seg(motion), seg(`${percent}% of ${clock(timeline.start)}–${clock(timeline.end)}`)]
      : [seg(` REWIND −${formatDuration(Math.max(0, (timeline.end - timeline.at) / 1000))} at ${clock(timeline.at)} `, theme.selected), seg(motion), seg('not live: l returns', theme.warn)];
  if (timeline.notice) segments.push(seg(`⚠ ${sanitizeOneLine(timeline.notice)}`, theme.error));
  return segments;
}
