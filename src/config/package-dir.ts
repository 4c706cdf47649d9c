/**
 * pgtop's package directory (package.json, migrations/): two levels up from this module in the sources and in
 * dist/ alike, and beside the single executable, whose bundle poses as a module two levels down in dist/.
 * Modules deeper in src/ find shipped files through this one, so that moving them keeps the paths right.
 */
export const packageDir = new URL('../../', import.meta.url);
