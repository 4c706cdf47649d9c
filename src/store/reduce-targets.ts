import type { AppEvent } from './events.js';
import type { AppState } from './state.js';
import type { TargetSummary } from './targets.js';

const sameSummaries = (a: readonly TargetSummary[], b: readonly TargetSummary[]): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The targets' events: the others' summaries arriving, the picker's text; undefined for any other event. */
export function reduceTargets(state: AppState, event: AppEvent): AppState | undefined {
  switch (event.type) {
    case 'targets-summary':
      if (sameSummaries(state.targets.summaries, event.summaries)) return state;
      return { ...state, targets: { ...state.targets, summaries: event.summaries } };
    case 'picker-draft':
      return { ...state, targets: { ...state.targets, pickerDraft: event.text } };
    default:
      return undefined;
  }
}

/** `:` opens the picker, or says why there is nothing to pick. */
export function openPicker(state: AppState): AppState | AppEvent {
  if (state.targets.current === undefined) {
    return { type: 'message', text: 'one server only: a profile with [[servers]] entries watches several (README: Configuration)', tone: 'info', at: state.now };
  }
  return { ...state, targets: { ...state.targets, pickerDraft: '' } };
}
