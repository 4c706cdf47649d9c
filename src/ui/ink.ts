// What pgtop takes from Ink: the renderer that owns the terminal's input, and the hook that reads the keys.
// Every import of Ink goes through here: the build bundles this module with Ink (scripts/bundle-ink.ts).
export { render, useInput } from 'ink';
