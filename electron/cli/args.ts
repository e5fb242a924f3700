import { parseArgs } from 'node:util';
import { usageError } from '../core/errors.js';
import { didYouMean, nearest } from '../../shared/text/nearest.js';
import { FLAG_VALUE_KINDS, flagValueProblem, shownValue, type FlagValueKind } from './flag-values.js';

export interface BooleanOption {
  type: 'boolean';
  short?: string;
  description: string;
}

/** A flag that takes a value: `value` names what the value must be, checked before any command runs. */
export interface StringOption {
  type: 'string';
  short?: string;
  description: string;
  value: FlagValueKind;
  /** The flag may be given several times (`--verticals a --verticals b`): every value is kept and checked. */
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, BooleanOption | StringOption>;
  /** Positional arguments: [min, max] (max Infinity for variadic). */
  positionals: [number, number];
  /**
   * The project may come from the current directory (cli/infer.ts): `first` — the first argument, required, may be
   * left out or given as `.`; `optional` — the first argument, when left out inside a checkout; `all` — any `.`.
   */
  infersProject?: 'first' | 'optional' | 'all';
}

const json = { type: 'boolean', description: 'Print exactly one JSON document on stdout' } as const;
const yes = { type: 'boolean', short: 'y', description: 'Do not ask for confirmation' } as const;
/** `checkout: detach | branch` of the manifest, for one upgrade (or its plan). */
const CHECKOUT_FLAG: StringOption = {
  type: 'string',
  value: 'checkout-mode',
  description: 'detach (HEAD detached at the release) or branch (the current branch when it fast-forwards, else upshift/<project>); default: the manifest\'s checkout, else detach',
};

/** `add` flags that set keys of Upshift's configuration for the project (`upshift config`), by manifest key. */
export const CONFIG_FLAG_KEYS: Record<string, string> = {
  install: 'install',
  smoke: 'smoke.command',
  'smoke-timeout': 'smoke.timeoutSeconds',
  'tag-pattern': 'source.tagPattern',
  remote: 'source.remote',
  channel: 'channel',
};
const CONFIG_FLAGS: Record<string, StringOption> = Object.fromEntries(
  Object.entries(CONFIG_FLAG_KEYS).map(([flag, key]) => [flag, { type: 'string', value: 'setting', description: `Sets ${key} in Upshift's configuration for the project` }]),
);

export const COMMANDS: CommandSpec[] = [
  {
    name: 'add',
    usage: 'upshift add <path> [--name N] [--core <project>] [--install CMD] [--smoke CMD] [--smoke-timeout S] [--tag-pattern P] [--remote R] [--channel C] [--json]',
    summary: "Watch the git checkout at <path>. Its upshift.yml or vertical_manifest.yaml is validated first. --install, --smoke … are kept in Upshift's own configuration for it, outside the checkout (see `upshift config`).",
    options: {
      name: { type: 'string', value: 'project-name', description: 'Name of the project (default: manifest name, else the folder name)' },
      core: { type: 'string', value: 'project-name', description: 'The project this one depends on (seed-format verticals name their core here)' },
      ...CONFIG_FLAGS,
      json,
    },
    positionals: [1, 1],
  },
  {
    name: 'config',
    usage: 'upshift config <project> [key] [value] [--unset] [--json]',
    summary:
      "Upshift's own configuration for a project, kept outside its checkout (same keys as upshift.yml; they override the checkout's manifest). No key: every setting in effect and where it comes from. A key: its value. A key and a value: set it (checked first; nothing is written when it is invalid). --unset with a key: remove it.",
    options: { unset: { type: 'boolean', description: 'Remove the key from the configuration (the manifest or the default applies again)' }, json },
    infersProject: 'first', positionals: [1, 3],
  },
  { name: 'remove', usage: 'upshift remove <name> [--json]', summary: 'Stop watching a project. Its checkout and history are kept.', options: { json }, positionals: [1, 1] },
  { name: 'list', usage: 'upshift list [--json]', summary: 'The watched projects.', options: { json }, positionals: [0, 0] },
  {
    name: 'check',
    usage: 'upshift check [project...] [--json]',
    summary: 'Discover releases and report, per project, current and latest versions, risk and compatibility.',
    options: { json },
    infersProject: 'all', positionals: [0, Infinity],
  },
  {
    name: 'plan',
    usage: 'upshift plan <project> [--to <version>] [--with-dependents] [--json] | upshift plan --all [--json]',
    summary: 'Show what an upgrade would do, without changing anything: one project (with every hop when the target lies beyond required stops), a core and everything that depends on it, or every project. Exit 3 when blocked.',
    options: {
      to: { type: 'string', value: 'version', description: 'Target version (default: the newest release that is not blocked)' },
      checkout: CHECKOUT_FLAG,
      'with-dependents': { type: 'boolean', description: 'The joint plan of the project and every project that depends on it, in dependency order' },
      all: { type: 'boolean', description: 'The joint plan of every watched project, in dependency order' },
      json,
    },
    infersProject: 'first', positionals: [1, 1],
  },
  {
    name: 'upgrade',
    usage: 'upshift upgrade <project> [--to <version>] [--with-dependents [--keep-going]] [--on-hop-failure rollback-all|last-good] [--yes] [--stash [--keep-on-conflict]] [--force] [--json] | upshift upgrade --all [--keep-going] [--yes] [--json]',
    summary:
      'Upgrade with a snapshot, install, smoke tests, and automatic rollback on any failure. A target beyond required stops runs hop by hop; --with-dependents and --all run one batch in dependency order, all-or-nothing unless --keep-going.',
    options: {
      'with-dependents': { type: 'boolean', description: 'Upgrade the project and every project that depends on it as one batch, in dependency order' },
      all: { type: 'boolean', description: 'Upgrade every watched project as one batch, in dependency order' },
      'keep-going': { type: 'boolean', description: 'With --all/--with-dependents: when a member fails, keep what succeeded (default: roll the whole set back)' },
      'on-hop-failure': { type: 'string', value: 'hop-failure', description: "A multi-hop upgrade whose hop fails: rollback-all (default: back to where it started) or last-good (keep the hops that passed); default: the manifest's onHopFailure" },
      to: { type: 'string', value: 'version', description: 'Target version (default: the newest release that is not blocked)' },
      yes,
      stash: { type: 'boolean', description: 'Stash uncommitted work for the upgrade and give it back afterwards' },
      'keep-on-conflict': {
        type: 'boolean',
        description: 'With --stash: if the work does not apply cleanly on the new version, keep the new version and leave the work in its stash (exit 6) instead of rolling back',
      },
      force: { type: 'boolean', description: 'Upgrade even after repeated automatic rollbacks within the hour (rollback-loop protection)' },
      checkout: CHECKOUT_FLAG,
      json,
    },
    infersProject: 'first', positionals: [1, 1],
  },
  {
    name: 'rollback',
    usage: 'upshift rollback <project> [--to <operation-id>] [--yes] [--stash] [--json]',
    summary: 'Return to the state before an upgrade (default: the latest succeeded one).',
    options: {
      to: { type: 'string', value: 'operation-id', description: 'The operation to undo (default: the latest succeeded upgrade)' },
      yes,
      stash: { type: 'boolean', description: 'Stash uncommitted work for the rollback and give it back afterwards' },
      json,
    },
    infersProject: 'first', positionals: [1, 1],
  },
  {
    name: 'resume',
    usage: 'upshift resume <batch-id> [--yes] [--json]',
    summary: 'Continue a batch or multi-hop path that was interrupted (recovery kept what had succeeded under --keep-going or last-good) with the members not run yet.',
    options: { yes, json },
    positionals: [1, 1],
  },
  {
    name: 'history',
    usage: 'upshift history [project] [--limit N] [--json]',
    summary: 'Every operation, newest first, with its steps, durations and failures.',
    options: { limit: { type: 'string', value: 'count', description: 'At most N operations (default 20; 0 for all)' }, json },
    infersProject: 'optional', positionals: [0, 1],
  },
  {
    name: 'unlock',
    usage: 'upshift unlock <project> [--json]',
    summary: 'Remove a project lock held by a process on another host (or a dead one). A live local holder is never unlocked.',
    options: { json },
    infersProject: 'first', positionals: [1, 1],
  },
  { name: 'status', usage: 'upshift status [--json]', summary: 'Per project: current, latest, risk, last check, operation in progress.', options: { json }, positionals: [0, 0] },
  {
    name: 'offline',
    usage: 'upshift offline [on|off] [--json]',
    summary: 'Offline mode for every project: no network use, checks use the releases seen last. No argument: is it on, and why.',
    options: { json },
    positionals: [0, 1],
  },
  {
    name: 'notify',
    usage: 'upshift notify [list | test [channel] | add <url> | remove <channel>] [--json]',
    summary:
      'Notification channels (Slack, Discord, ntfy, Gotify, e-mail, webhooks, a log file): list them with their health, send a test message now, add or remove one kept in Upshift\'s settings. URLs are shown with their secrets hidden. See docs/notifications.md.',
    options: { json },
    positionals: [0, 2],
  },
  {
    name: 'import',
    usage: 'upshift import <file|dir> (--project <name> | --into <folder>) [--json]',
    summary: 'Verify a release pack (tarball or directory: release_metadata.json, SHA256SUMS, bundle or assets) and add it to an offline release folder. Exit 4 when already there.',
    options: {
      project: { type: 'string', value: 'project-name', description: "Import into this project's release folder (source.type folder)" },
      into: { type: 'string', value: 'path', description: 'Import into this release folder (created if missing)' },
      json,
    },
    positionals: [1, 1],
  },
  {
    name: 'state',
    usage: 'upshift state [status|restore] [--json]',
    summary:
      'The state directory: is the database healthy, what the verified backup and the projects mirror hold. `restore` moves a damaged database aside (kept) and restores the backup, or rebuilds the projects from the mirror. Exit 5 while the database is damaged.',
    options: { json },
    positionals: [0, 1],
  },
  {
    name: 'ci',
    usage: 'upshift ci --core <path|project> --version <v> [--at <tag|commit|worktree>] [--verticals <dir|file|glob>...] [--json] [--junit <file>]',
    summary:
      "The release gate: judge a candidate release of a core (a tag, a commit or the working tree) against every vertical's manifest (vertical_manifest.yaml or upshift.yml; default: the watched projects built on the core). Exit 1 when any vertical is not compatible (blocked), 2 for bad input.",
    options: {
      core: { type: 'string', value: 'path', description: "The core: its checkout's path, or a watched project's name" },
      version: { type: 'string', value: 'version', description: 'The candidate version (or its release tag)' },
      at: { type: 'string', value: 'revision', description: 'Where the candidate is: a tag, a commit, or `worktree` for the working tree as it is (default: the release tag of --version)' },
      verticals: { type: 'string', value: 'path', multiple: true, description: 'A vertical directory, a manifest file, a directory of verticals, or a quoted glob; repeatable. Further arguments count too' },
      junit: { type: 'string', value: 'path', description: 'Also write the result as JUnit XML to this file (one testcase per vertical)' },
      json,
    },
    positionals: [0, Infinity],
  },
  {
    name: 'matrix',
    usage: 'upshift matrix --core <path|project> [--last K] [--version <v> [--at <tag|commit|worktree>]] [--verticals <dir|file|glob>...] [--run-smoke [--jobs N]] [--html <file>] [--json]',
    summary:
      "Compatibility of N verticals × M core versions: the last K release tags and the candidate, as a table, JSON or a self-contained HTML page; with --run-smoke, each cell's smoke test in throwaway git worktrees. Exit 1 when the candidate's column has a failure.",
    options: {
      core: { type: 'string', value: 'path', description: "The core: its checkout's path, or a watched project's name" },
      last: { type: 'string', value: 'count', description: 'How many of the newest release tags (default 5)' },
      version: { type: 'string', value: 'version', description: 'A candidate version to add as the last column (or its release tag)' },
      at: { type: 'string', value: 'revision', description: 'Where the candidate is: a tag, a commit, or `worktree` (default: the release tag of --version)' },
      verticals: { type: 'string', value: 'path', multiple: true, description: 'As for `upshift ci`; repeatable. Further arguments count too' },
      'run-smoke': { type: 'boolean', description: "Run each cell's smoke command with the core at that version, both in throwaway git worktrees" },
      jobs: { type: 'string', value: 'jobs', description: 'With --run-smoke: at most N cells at once (default 2)' },
      html: { type: 'string', value: 'path', description: 'Also write the matrix as a self-contained HTML page to this file' },
      json,
    },
    positionals: [0, Infinity],
  },
  {
    name: 'skip',
    usage: 'upshift skip <project> [version] [--major] [--json]',
    summary:
      "Skip a release (the dashboard's \"Skip this version\"), or with --major every release of its major (\"Skip all 2.x\"): neither offered nor notified. Without a version: what is skipped.",
    options: { major: { type: 'boolean', description: 'Skip every release of that version\'s major line (stored as 2.x)' }, json },
    positionals: [1, 2],
  },
  {
    name: 'unskip',
    usage: 'upshift unskip <project> <version|N.x> [--json]',
    summary: 'Take a skip back: the version (or the major line, 2.x) is offered and notified again.',
    options: { json },
    positionals: [2, 2],
  },
  {
    name: 'supported',
    usage: 'upshift supported [project...] [--json]',
    summary: "Support windows (the manifest's support:): every minor line released with whether it is supported and until when, and where the current version stands. See docs/manifest.md.",
    options: { json },
    infersProject: 'all', positionals: [0, Infinity],
  },
  {
    name: 'trust',
    usage: 'upshift trust accept <project> <tag> [--json] | upshift trust list [project...] [--json]',
    summary:
      'Release tags that moved since Upshift first saw them (trust on first use): `list` shows them; `accept` trusts the commit a tag points at now (recorded with who and when; `upshift trust <project> <tag>` for short). See docs/trust.md.',
    options: { json },
    positionals: [1, Infinity],
  },
  {
    name: 'doctor',
    usage: 'upshift doctor [--json]',
    summary: 'Check git, the state directory and its database, tokens, notification channels, signers, the daemon and each watched project; each line OK, WARN or FAIL with what to fix. Exit 1 when any check FAILs.',
    options: { json },
    positionals: [0, 0],
  },
  {
    name: 'schedule',
    usage: 'upshift schedule [--json]',
    summary: 'Per project, what the scheduler does next and when ("core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window \'nightly\'"), and for each update not scheduled the reason. See docs/automation.md.',
    options: { json },
    positionals: [0, 0],
  },
  {
    name: 'approve',
    usage: 'upshift approve <project> [<version>] [--now|--next-window] [--json]',
    summary: 'Approve a release behind a review gate for unattended upgrade: in its next maintenance window (default) or --now. Default: the newest release waiting. Recorded with who approved.',
    options: {
      now: { type: 'boolean', description: 'Upgrade when the scheduler next looks, without waiting for a window' },
      'next-window': { type: 'boolean', description: 'Upgrade in the next maintenance window (the default)' },
      json,
    },
    infersProject: 'first', positionals: [1, 2],
  },
  {
    name: 'reject',
    usage: 'upshift reject <project> [<version>] [--json]',
    summary: 'Reject a release behind a review gate: never upgraded unattended (it stays rejected when found again). Recorded with who rejected.',
    options: { json },
    infersProject: 'first', positionals: [1, 2],
  },
  {
    name: 'policy',
    usage: 'upshift policy [key] [value] [--unset] [--json]',
    summary: 'The global automation policy (docs/automation.md): no key prints it; a key (enabled, windows, security.timing, projects.<name>.bumps …) its value; a value (JSON or text) sets it, checked first.',
    options: { unset: { type: 'boolean', description: 'Remove the key (the default applies again)' }, json },
    positionals: [0, 2],
  },
  {
    name: 'daemon',
    usage: 'upshift daemon [install|uninstall|status] [--json]',
    summary: 'Run the scheduler headless until SIGTERM (no argument); install/uninstall a systemd --user unit or a launchd agent; status: the unit and which process leads the scheduler.',
    options: { json },
    positionals: [0, 1],
  },
  {
    name: 'serve',
    usage: 'upshift serve [--port N] [--host 127.0.0.1] [--open] [--metrics-no-auth]',
    summary: 'Serve the dashboard to your browser (loopback only by default) until Ctrl-C; prints its URL with a one-time token.',
    options: {
      port: { type: 'string', value: 'port', description: 'Port to listen on (default: a free one)' },
      host: { type: 'string', value: 'host', description: 'Interface to bind (default 127.0.0.1); anything else exposes the dashboard to the network' },
      open: { type: 'boolean', description: 'Open the dashboard in the default browser' },
      'metrics-no-auth': { type: 'boolean', description: 'Let a Prometheus on this machine scrape /metrics without a token (loopback peers only; see docs/metrics.md)' },
    },
    positionals: [0, 0],
  },
];

export interface ParsedCommand {
  spec: CommandSpec;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  /** Every value of each `multiple` flag, in the order given (its first one is also in `values`). */
  lists?: Record<string, string[]>;
  help: boolean;
}

/** What `upshift --help`, `upshift help [command]` and `upshift --version` ask for (nothing to run). */
export type HelpRequest = { help: true; spec: null; version?: true };

/**
 * ` Did you mean --to?` for a flag of this command; for a flag (or a near one) only other commands take, which ones:
 * `check --to 1.2.0` → ` --to is a flag of plan, upgrade, rollback, not of check.`
 */
function flagHint(spec: CommandSpec, flag: string): string {
  const own = didYouMean(flag, [...Object.keys(spec.options), 'help'].map((k) => `--${k}`), (f) => f);
  if (own !== '' || !flag.startsWith('--')) return own;
  const all = [...new Set(COMMANDS.flatMap((c) => Object.keys(c.options)))].map((k) => `--${k}`);
  const near = nearest(flag, all);
  if (near === null) return '';
  const owners = COMMANDS.filter((c) => Object.hasOwn(c.options, near.slice(2))).map((c) => c.name);
  return `${near === flag ? '' : ` Did you mean ${near}?`} ${near} is a flag of ${owners.join(', ')}, not of ${spec.name}.`;
}

function unknownCommand(name: string): Error {
  const hint = didYouMean(name, COMMANDS.map((c) => c.name), (c) => `\`upshift ${c}\``);
  return usageError('UNKNOWN_COMMAND', `Unknown command "${name}".${hint} Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run \`upshift --help\`.`, { command: name });
}

/**
 * Parses argv for one command; unknown commands and flags (each with the nearest known one, when one is close) and
 * wrong argument counts are usage errors (exit 2).
 */
export function parseCommand(argv: readonly string[]): ParsedCommand | HelpRequest {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') return { help: true, spec: null, version: true };
  if (name === 'help' && rest[0] !== undefined && !rest[0].startsWith('-')) {
    const wanted = COMMANDS.find((c) => c.name === rest[0]);
    if (!wanted) throw unknownCommand(rest[0]);
    return { spec: wanted, positionals: [], values: { help: true }, help: true };
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') return { help: true, spec: null };
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw unknownCommand(name);
  // String options are collected as lists, so a flag given twice is seen (parseArgs alone keeps the last one).
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [key, o] of Object.entries(spec.options)) options[key] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.type === 'string' ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const unknown = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(e.message)?.[1] : undefined;
    const hint = unknown !== undefined ? flagHint(spec, unknown) : '';
    throw usageError('BAD_ARGUMENTS', `${e.message.replace(/\. To specify.*$/s, '')}.${hint} Usage: ${spec.usage}`, unknown !== undefined ? { flag: unknown } : undefined);
  }
  if (parsed.values.help === true) return { spec, positionals: parsed.positionals, values: { help: true }, help: true };
  const lists: Record<string, string[]> = {};
  const values = flagValues(spec, parsed.values as Record<string, string[] | boolean | undefined>, lists);
  const [min, max] = spec.positionals;
  // A project left out may be the current directory's: cli/infer.ts decides once the watched projects are known.
  const least = spec.infersProject === 'first' ? min - 1 : min;
  if (parsed.positionals.length < least || parsed.positionals.length > max) {
    throw usageError('BAD_ARGUMENTS', `Wrong number of arguments for "${name}". Usage: ${spec.usage}`);
  }
  return { spec, positionals: parsed.positionals, values, lists, help: false };
}

/**
 * One value per flag, each checked against its option's kind: an empty or malformed value, or a flag given twice
 * with different values, is a usage error naming the flag and what it expects. The same value twice is accepted.
 */
function flagValues(spec: CommandSpec, raw: Record<string, string[] | boolean | undefined>, lists: Record<string, string[]> = {}): Record<string, string | boolean | undefined> {
  const values: Record<string, string | boolean | undefined> = {};
  for (const [key, given] of Object.entries(raw)) {
    const option = spec.options[key];
    if (!Array.isArray(given) || option?.type !== 'string') {
      values[key] = given as boolean | undefined;
      continue;
    }
    const distinct = [...new Set(given)];
    if (option.multiple) {
      for (const value of distinct) {
        const problem = flagValueProblem(key, option.value, value);
        if (problem !== null) throw usageError('BAD_FLAG_VALUE', `${problem} Usage: ${spec.usage}. Nothing was changed.`, { flag: `--${key}`, value, expected: FLAG_VALUE_KINDS[option.value].expected });
      }
      values[key] = distinct[0];
      lists[key] = distinct;
      continue;
    }
    if (distinct.length > 1) {
      throw usageError(
        'FLAG_CONFLICT',
        `--${key} was given ${given.length} times with different values (${distinct.map(shownValue).join(', ')}); give it once. Usage: ${spec.usage}. Nothing was changed.`,
        { flag: `--${key}`, values: distinct },
      );
    }
    const value = distinct[0]!;
    const problem = flagValueProblem(key, option.value, value);
    if (problem !== null) {
      throw usageError('BAD_FLAG_VALUE', `${problem} Usage: ${spec.usage}. Nothing was changed.`, { flag: `--${key}`, value, expected: FLAG_VALUE_KINDS[option.value].expected });
    }
    values[key] = value;
  }
  return values;
}

export function commandHelp(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([k, o]) => `  ${o.short ? `-${o.short}, ` : '    '}--${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(28) + o.description);
  return [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:', ...opts, '  -h, --help'.padEnd(28) + 'Show this help'].join('\n');
}

export function globalHelp(): string {
  return [
    'Usage: upshift <command> [options]',
    '',
    'Keeps git checkouts up to date, safely: discover releases, check compatibility, plan, upgrade with a',
    'snapshot and automatic rollback, and keep the history.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 failed (rolled back), 2 usage or configuration error, 3 blocked, 4 nothing to do, 5 state directory failed, 6 upgraded but stashed work kept aside, 7 release source unreachable.',
    'Run from inside a watched checkout, commands that take a project name use that project when none is given.',
    'State lives in $UPSHIFT_HOME (default: the per-user data directory). `upshift help <command>` for details; `upshift --version [--json]`: version, commit and build time.',
  ].join('\n');
}
