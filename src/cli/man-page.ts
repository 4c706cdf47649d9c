import type { CommandDefinition } from './command-definitions.js';

/** Text for roff: backslashes escaped, and no line taken for a request (starting with . or '). */
function roffText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\\/g, '\\e').replace(/^([.'])/, '\\&$1'))
    .join('\n');
}

function preformatted(text: string): string {
  return `.nf\n${roffText(text)}\n.fi`;
}

const title = (definition: CommandDefinition): string => `pgtop${definition.name ? ` ${definition.name}` : ''}`;

/** The man page pgtop.1: each command's --help text, verbatim, under its own heading. */
export function manPage(definitions: readonly CommandDefinition[], version: string, description: string): string {
  const [monitor, ...commands] = definitions;
  if (!monitor) throw new Error('no command definitions');
  return [
    '.\\" Generated from the --help texts of pgtop: run npm run man after changing them.',
    `.TH PGTOP 1 "" "pgtop ${version}" "User Commands"`,
    '.SH NAME',
    `pgtop \\- ${roffText(description)}`,
    '.SH SYNOPSIS',
    ...definitions.flatMap((definition) => ['.B', `${title(definition)}`, `\\- ${roffText(definition.summary)}`, '.br']),
    '.SH DESCRIPTION',
    preformatted(monitor.help),
    '.SH COMMANDS',
    ...commands.flatMap((definition) => [`.SS ${title(definition)}`, preformatted(definition.help)]),
    '.SH SEE ALSO',
    '.BR psql (1),',
    '.BR pg_dump (1)',
    '',
  ].join('\n');
}
