/** Characters a terminal may act on: C0 controls (except line feed), DEL, C1 controls, and bidi controls. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The unsafe characters found in `text`, each as a `U+XXXX` code, for an assertion message. */
export function unsafeCharacters(text: string): string[] {
  return [...text.matchAll(UNSAFE)].map((match) => `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}
