/**
 * Yarn settings that would let someone on the network path, or a poisoned
 * cache, swap the bytes Yarn installs without the checksum checks noticing.
 */

import {parseWebUrl} from '../../core/policy/webUrl';

export type SettingName = `checksumBehavior` | `enableStrictSsl` | `unsafeHttpWhitelist` | `httpRegistry` | `approvedGitRepositories`;

export interface SettingFinding {
  setting: SettingName;
  /** Where the value comes from, e.g. `checksumBehavior` or `npmScopes.corp.npmRegistryServer`. */
  path: string;
  found: string;
  expected: string;
  /** One sentence on the risk. */
  why: string;
  /** Who put the value there, when it was not the project's maintainers. */
  cause?: string;
  /** The `yarn config set` that replaces the value safely, where one command does it. */
  fix?: string;
}

/**
 * Yarn writes `approvedGitRepositories: ["**"]` into .yarnrc.yml on every
 * install while the lockfile is older than v9 and the key has no value of its
 * own; the refused install never rewrites the lockfile, so deleting the key
 * only makes Yarn write it again.
 */
export interface GitRepositoriesContext {
  /** `__metadata.version` of yarn.lock, or null without a lockfile. */
  lockfileVersion: number | null;
  /** Yarn's migration set the value during this very command (its source is `<compat>`). */
  writtenByMigration: boolean;
  /** Repositories of the project's git dependencies (yarn.lock and workspaces), deduplicated. */
  gitRepositories: string[];
}

/** The last lockfile version for which Yarn's migration writes `approvedGitRepositories: ["**"]`. */
export const LAST_LOCKFILE_VERSION_MIGRATED_TO_EVERY_REPOSITORY = 8;

export interface SettingsInput {
  /** Yarn's `approvedGitRepositories` (glob patterns of git URLs). */
  approvedGitRepositories?: string[];
  /** Where the approvedGitRepositories value may come from, to explain a refusal of it. */
  gitRepositories?: GitRepositoriesContext;
  /** Yarn: `throw` (default), `update`, `ignore`, `reset`. */
  checksumBehavior: string;
  enableStrictSsl: boolean;
  unsafeHttpWhitelist: string[];
  /** Every configured registry server with the setting path it came from. */
  registries: Array<{path: string, url: string}>;
  /** Relaxations the user accepted (`trustAllowInsecureSettings`). */
  allowed: ReadonlySet<SettingName>;
}

/**
 * Settings that let someone on the network path, or a poisoned cache, change
 * what gets installed without any of the plugin's checks noticing. Loopback is
 * exempt: a registry on this machine is how local development and tests work,
 * and nobody on the network sits between the two ends.
 */
export function auditSettings(input: SettingsInput): SettingFinding[] {
  const findings: SettingFinding[] = [];

  if (input.checksumBehavior !== `throw`) {
    findings.push({
      setting: `checksumBehavior`,
      path: `checksumBehavior`,
      found: input.checksumBehavior,
      expected: `throw`,
      why: `Yarn then accepts or rewrites archives whose checksum differs from the lockfile instead of stopping the install.`,
    });
  }

  if (!input.enableStrictSsl) {
    findings.push({
      setting: `enableStrictSsl`,
      path: `enableStrictSsl`,
      found: `false`,
      expected: `true`,
      why: `Without certificate checks anyone on the network path can pose as the registry and serve other metadata and tarballs.`,
    });
  }

  const remoteHttpHosts = [...new Set(input.unsafeHttpWhitelist.filter(entry => !isLoopbackHost(entry)))];
  if (remoteHttpHosts.length > 0) {
    findings.push({
      setting: `unsafeHttpWhitelist`,
      path: `unsafeHttpWhitelist`,
      found: remoteHttpHosts.join(`, `),
      expected: `only loopback hosts (localhost, 127.0.0.1, ::1)`,
      why: `Plain http to these hosts can be read and rewritten by anyone on the network path, tarballs included.`,
    });
  }

  // Git dependencies are packed at fetch time, running their `prepare` (and
  // their dependencies' install scripts) outside every plugin hook: a pattern
  // that approves every repository lets any of them run unreviewed.
  const everyRepository = (input.approvedGitRepositories ?? []).filter(pattern => /^[*/]+$/.test(pattern.trim()));
  if (everyRepository.length > 0) {
    findings.push({
      setting: `approvedGitRepositories`,
      path: `approvedGitRepositories`,
      found: everyRepository.join(`, `),
      expected: `the URLs of the git repositories you reviewed`,
      why: `Yarn packs git dependencies by running their prepare scripts at fetch time, where no install-script approval applies.`,
      ...explainEveryRepository(input.gitRepositories),
    });
  }

  for (const registry of input.registries) {
    const finding = auditRegistry(registry);
    if (finding !== null)
      findings.push(finding);
  }

  return findings.filter(finding => !input.allowed.has(finding.setting));
}

/**
 * Why `**` is there and the command that replaces it. An empty list (or the
 * reviewed repositories) is a value of the project's own, which Yarn's
 * migration never overwrites; removing the key is not.
 */
function explainEveryRepository(context: GitRepositoriesContext | undefined): {cause?: string, fix: string} {
  const repositories = context?.gitRepositories ?? [];
  const fix = repositories.length === 0
    ? `yarn config set approvedGitRepositories --json '[]'`
    : `yarn config set approvedGitRepositories --json '${JSON.stringify(repositories)}'`;
  if (context === undefined)
    return {fix};
  const migrating = context.lockfileVersion !== null && context.lockfileVersion <= LAST_LOCKFILE_VERSION_MIGRATED_TO_EVERY_REPOSITORY;
  if (!context.writtenByMigration && !migrating)
    return {fix};
  const when = context.writtenByMigration ? `Yarn's own migration wrote this value into .yarnrc.yml during this command` : `Yarn's own migration writes this value into .yarnrc.yml`;
  const why = `${when}, because yarn.lock is version ${context.lockfileVersion ?? `unknown`} (older than 9) and the setting had no value; removing the key does not help, Yarn writes it again until an install rewrites yarn.lock.`;
  const project = repositories.length === 0
    ? ` This project has no git dependency, so an empty list loses nothing.`
    : ` This project's git dependencies come from ${repositories.join(`, `)}: review them and list only those.`;
  return {cause: `${why}${project}`, fix};
}

function auditRegistry(registry: {path: string, url: string}): SettingFinding | null {
  const parsed = parseWebUrl(registry.url);
  // A URL we cannot read cannot be shown to use TLS.
  if (parsed === null) {
    return {
      setting: `httpRegistry`,
      path: registry.path,
      found: registry.url,
      expected: `an https: URL`,
      why: `This registry URL cannot be parsed as http(s), so whether its traffic is protected by TLS cannot be checked.`,
    };
  }

  if (parsed.protocol === `https:` || isLoopbackHost(parsed.hostname))
    return null;

  const secure = new URL(parsed.href);
  secure.protocol = `https:`;
  return {
    setting: `httpRegistry`,
    path: registry.path,
    found: registry.url,
    expected: secure.href,
    why: `Metadata and tarballs from this registry travel as plain http, so anyone on the network path can replace them.`,
  };
}

/**
 * Loopback spelled the way a setting or `URL.hostname` spells it. Glob
 * patterns never count: `127.*` also matches `127.evil.com`.
 */
function isLoopbackHost(host: string) {
  const lowered = host.toLowerCase();
  if (lowered === `localhost` || lowered === `::1` || lowered === `[::1]`)
    return true;
  const ipv4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lowered);
  return ipv4 !== null && ipv4.slice(1).every(octet => Number(octet) <= 255 && (octet === `0` || !octet.startsWith(`0`)));
}
