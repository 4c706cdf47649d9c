import { BINDINGS, type Binding } from './bindings.js';

/** Every binding of every view: the core keys plus those the other views add. */
export const ALL_BINDINGS: readonly Binding[] = [...BINDINGS];
