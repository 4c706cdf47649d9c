// Imported by pg-driver.ts just before node-postgres, to hide the global `Response` while pg loads.
// On Node 20, pg decides whether it runs in a Cloudflare Worker by constructing a `Response` (there is no
// `navigator` before Node 21), and that loads Node's fetch implementation: about 5 MB that stay for the life
// of the process, for a function pgtop never calls.
const hidden = Object.getOwnPropertyDescriptor(globalThis, 'Response');
if (hidden?.configurable) delete (globalThis as { Response?: unknown }).Response;

/** Puts `Response` back as it was, still unloaded. */
export function restoreFetch(): void {
  if (hidden?.configurable && !Object.hasOwn(globalThis, 'Response')) Object.defineProperty(globalThis, 'Response', hidden);
}
