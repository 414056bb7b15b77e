// `msglog --help`, `msglog help COMMAND` and `msglog COMMAND --help`: the usage lines, then examples
// an administrator can copy.
import type { Command } from './commands/command';

const GLOBAL = `  msglog --dialect ID …                       force a dialect instead of detection
  msglog --utc-offset ±HH:MM …                offset of logs that write none (default UTC)
  FILE may be a directory (read recursively), a .gz, or - for standard input; with several, log
  lines get PATH: prefixes`;

const DIALECT_IDS = 'communigate-log, emg-log, axigen-log, messaging-server-log, privateserver-log';

/** Every command's usage and one example of each. */
export function overview(commands: readonly Command[]): string {
  const lines = ['usage:', ...commands.map((c) => `  ${c.usage.replace(/\n/g, '\n  ')}`), GLOBAL, '', 'examples:'];
  for (const c of commands) if (c.examples?.[0]) lines.push(`  ${c.examples[0]}`);
  lines.push('', `dialects: ${DIALECT_IDS}`, 'msglog help COMMAND shows more examples of one command.');
  return `${lines.join('\n')}\n`;
}

/** One command's usage and all its examples. */
export function commandHelp(command: Command): string {
  const lines = ['usage:', `  ${command.usage.replace(/\n/g, '\n  ')}`, GLOBAL];
  if (command.examples?.length) lines.push('', 'examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
