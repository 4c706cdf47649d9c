/**
 * Whether colours are wanted: not with `--no-color` anywhere in the arguments, nor with NO_COLOR set to
 * anything but the empty string (no-color.org). Bold, dim and inverse are not colours and stay.
 */
export function colourWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return !argv.includes('--no-color') && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
