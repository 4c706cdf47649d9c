// JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is CSI) and bidi controls raw,
// which a terminal would act on. Outside strings JSON is plain ASCII, so escaping them everywhere is safe.
const TERMINAL_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON that parses back to the same value and is safe to print on a terminal. */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(TERMINAL_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
