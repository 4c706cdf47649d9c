import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { flagWords } from '../../src/cli/command-definitions.js';
import { bashCompletion, zshCompletion } from '../../src/cli/completion-script.js';
import { commandDefinitions } from '../../src/commands/registry.js';
import { manPagePath, manPageText } from '../../scripts/man-page-source.js';
import { runCli } from '../helpers/cli.js';

const everyWord = commandDefinitions.flatMap((definition) => [
  ...(definition.name ? [definition.name] : []),
  ...definition.subcommands,
  ...flagWords(definition).flatMap((flag) => (flag.short ? [flag.short, flag.long] : [flag.long])),
]);

const hasWord = (text: string, word: string): boolean =>
  new RegExp(`(^|[\\s('|=])${word.replace(/[-]/g, '\\-')}(?=[\\s)'|;]|$)`, 'm').test(text);

/** What bash completes for the words typed so far (the last one being completed), with the script loaded. */
function bashCompletes(...typed: string[]): string[] {
  const script = `${bashCompletion(commandDefinitions)}
COMP_WORDS=(${['pgtop', ...typed].map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${typed.length}
_pgtop; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter((line) => line !== '');
}

describe('shell completion', () => {
  test('every command, subcommand and option is in the bash and the zsh script', () => {
    for (const script of [bashCompletion(commandDefinitions), zshCompletion(commandDefinitions)]) {
      const missing = everyWord.filter((word) => !hasWord(script, word));
      assert.deepEqual(missing, []);
    }
  });

  test('every option a command parses is described in its --help', () => {
    for (const definition of commandDefinitions) {
      const undocumented = flagWords(definition)
        .filter((flag) => flag.long !== '--help' && flag.long !== '--version')
        .filter((flag) => !definition.help.includes(flag.long))
        .map((flag) => `pgtop ${definition.name} ${flag.long}`);
      assert.deepEqual(undocumented, []);
    }
  });

  test('bash completes commands, subcommands and the options of the command typed', () => {
    assert.deepEqual(bashCompletes(''), ['snapshot', 'migrate', 'backup', 'check', 'record', 'replay', 'demo', 'config', 'completion']);
    assert.deepEqual(bashCompletes('migrate', ''), ['status', 'up', 'down', 'baseline', 'history']);
    assert.deepEqual(bashCompletes('migrate', 'up', '--dr'), ['--dry-run']);
    assert.deepEqual(bashCompletes('snapshot', '--j'), ['--json']);
    assert.deepEqual(bashCompletes('demo', '--no'), ['--no-pgbouncer']);
    assert.deepEqual(bashCompletes('--read'), ['--read-only']);
    assert.deepEqual(bashCompletes('backup', '--dir', ''), [], 'a value option leaves the word to file completion');
  });

  test('pgtop completion bash and zsh print the scripts; another shell is a usage error', async () => {
    assert.equal((await runCli(['completion', 'bash'])).stdout, bashCompletion(commandDefinitions));
    assert.equal((await runCli(['completion', 'zsh'])).stdout, zshCompletion(commandDefinitions));
    const fish = await runCli(['completion', 'fish']);
    assert.equal(fish.code, 2);
    assert.equal(fish.stderr, 'pgtop: no completion for "fish": pgtop completion bash, or pgtop completion zsh\n');
  });
});

describe('the man page', () => {
  test('pgtop.1 is what the --help texts make (run npm run man after changing them)', () => {
    assert.equal(readFileSync(manPagePath, 'utf8'), manPageText());
  });

  test('it has a section for every command and every option', () => {
    const page = readFileSync(manPagePath, 'utf8');
    for (const definition of commandDefinitions.slice(1)) assert.match(page, new RegExp(`^\\.SS pgtop ${definition.name}$`, 'm'));
    const missing = everyWord.filter((word) => !page.includes(word));
    assert.deepEqual(missing, []);
  });
});
