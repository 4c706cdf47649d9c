import type { TimelineActionCommand } from './commands.js';
import { tell, type EffectContext } from './effect-context.js';
import type { TimelineCommand } from './timeline-player.js';

const PLAYER_COMMANDS: Record<Exclude<TimelineActionCommand, 'timeline.goto' | 'timeline.live'>, TimelineCommand> = {
  'timeline.play': 'play',
  'timeline.stepBack': 'stepBack',
  'timeline.stepForward': 'stepForward',
  'timeline.back1m': 'back1m',
  'timeline.forward1m': 'forward1m',
  'timeline.back10m': 'back10m',
  'timeline.forward10m': 'forward10m',
  'timeline.faster': 'faster',
  'timeline.slower': 'slower',
};

const NO_TIMELINE = 'nothing to rewind: the monitor keeps no history (--rewind 0)';

function openGoto(ctx: EffectContext): void {
  const timeline = ctx.getState().timeline;
  if (timeline) ctx.dispatch({ type: 'timeline', timeline: { ...timeline, gotoDraft: '' } });
}

/** The handlers of the timeline keys: each reaches the replay or the rewind, or says why it cannot. */
export const TIMELINE_HANDLERS: Record<TimelineActionCommand, (ctx: EffectContext) => void> = {
  ...(Object.fromEntries(
    Object.entries(PLAYER_COMMANDS).map(([command, player]) => [command, (ctx: EffectContext) => (ctx.timeline ? ctx.timeline.run(player) : tell(ctx, NO_TIMELINE))]),
  ) as Record<keyof typeof PLAYER_COMMANDS, (ctx: EffectContext) => void>),
  'timeline.goto': openGoto,
  'timeline.live': (ctx) => ctx.timeline?.live(),
};
