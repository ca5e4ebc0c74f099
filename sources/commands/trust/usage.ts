/** `yarn trust` alone: the list of trust commands. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, formatUtils} from '@yarnpkg/core';
import {Command} from 'clipanion';

export default class TrustUsageCommand extends BaseCommand {
  static override paths = [[`trust`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `list the commands of yarn-plugin-trust`,
    details: `
      Prints every \`yarn trust\` command with its options and what it does. \`yarn trust <command> --help\` shows the details of one.
    `,
    examples: [[
      `See what yarn-plugin-trust can do`,
      `yarn trust`,
    ]],
  });

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const commands = this.cli.definitions()
      .filter(definition => /^\S+ trust \S/.test(definition.path))
      .sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

    const lines = [`yarn-plugin-trust: the install-script gate, tarball checksums and dependency confusion. Commands:`, ``];
    for (const command of commands) {
      lines.push(`  ${formatUtils.pretty(configuration, command.usage.trim(), formatUtils.Type.CODE)}`);
      if (typeof command.description === `string`)
        lines.push(`    ${command.description.trim()}`);
      lines.push(``);
    }
    lines.push(`Run ${formatUtils.pretty(configuration, `yarn trust <command> --help`, formatUtils.Type.CODE)} for the details of one command.`);
    this.context.stdout.write(`${lines.join(`\n`)}\n`);
    return 0;
  }
}
