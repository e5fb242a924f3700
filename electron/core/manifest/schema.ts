import path from 'node:path';
import * as z from 'zod';
import { parseConstraint, parseVersion } from '../../../shared/version/index.js';
import { NOTIFY_EVENT_TYPES, type NotifyEventType } from '../../../shared/api/notify.js';
import { projectAutomationSchema } from '../../../shared/api/automation.js';
import { parseChannelUrl } from '../notify/url.js';

/** Default smoke-test timeout, in seconds (also the seed contract's default). */
export const DEFAULT_SMOKE_TIMEOUT_SECONDS = 300;
/** Bounds of `smoke.timeoutSeconds`: one second to one day. */
export const SMOKE_TIMEOUT_BOUNDS = { min: 1, max: 86_400 } as const;

const GATE_ACTIONS = ['auto', 'review', 'manual', 'skip'] as const;
const CHANNELS = ['stable', 'prerelease'] as const;

function command(description: string) {
  return z
    .string()
    .regex(/\S/, 'must not be empty')
    .refine((s) => !s.includes('\0'), 'must not contain a NUL character')
    .describe(description);
}

/** A string that must parse with `parseConstraint` (a version, wildcard or range). */
export function versionConstraint(description: string) {
  return z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseConstraint(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a valid version constraint: ${(e as Error).message}` });
      }
    })
    .describe(description);
}

/** Why a snapshot path is unacceptable, or null when it is a clean relative path inside the project. */
export function snapshotPathProblem(p: string): string | null {
  if (p.trim() === '') return 'must not be empty';
  if (p.includes('\0')) return 'must not contain a NUL character';
  if (p.startsWith('~')) return 'must be relative to the project ("~" is not expanded)';
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p)) return `must be relative to the project, got the absolute path ${JSON.stringify(p)}`;
  const normal = normalizeSnapshotPath(p);
  if (normal === '..' || normal.startsWith('../')) return `must stay inside the project, but ${JSON.stringify(p)} leads out of it`;
  if (normal === '.') return 'must name something inside the project, not the project root itself';
  if (normal === '.git' || normal.startsWith('.git/')) return 'must not be inside .git (Upshift snapshots git state itself)';
  return null;
}

/** `./data//cache/` → `data/cache`; backslashes are treated as separators. */
export function normalizeSnapshotPath(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/'));
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const snapshotPath = z
  .string()
  .superRefine((p, ctx) => {
    const problem = snapshotPathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A file or directory, relative to the project root, saved before an upgrade and restored on rollback.');

/** Why a tag pattern is unacceptable, or null. */
export function tagPatternProblem(pattern: string): string | null {
  const count = pattern.split('{version}').length - 1;
  if (count === 0) return `must contain {version} where the version goes (e.g. "v{version}"), got ${JSON.stringify(pattern)}`;
  if (count > 1) return `must contain {version} exactly once, found it ${count} times`;
  if (pattern.startsWith('-')) return 'must not start with "-"';
  if (/[\s\p{Cc}]/u.test(pattern)) return 'must not contain spaces or control characters';
  return null;
}

/** Why a GitHub API base URL is unusable, or null: https (plain http only to this machine), no credentials, query or fragment. */
export function apiUrlProblem(u: string): string | null {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return `must be a URL such as "https://ghe.example/api/v3", got ${JSON.stringify(u)}`;
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be an https:// URL (plain http only to this machine)';
  if (url.username || url.password) return 'must not contain credentials (set GITHUB_TOKEN instead)';
  if (url.search || url.hash) return 'must not have a query or fragment';
  return null;
}

const sourceSchema = z
  .strictObject({
    type: z
      .enum(['git', 'github', 'folder'])
      .default('git')
      .describe(
        'Where releases come from: "git" (tags of the git remote, the default), "github" (the GitHub Releases API; a git checkout still fetches the tag from its remote) or "folder" (an offline release folder: one directory per release with release_metadata.json, SHA256SUMS and a git bundle or tarball; see `upshift import`).',
      ),
    url: z
      .string()
      .regex(/^[^\s-]\S*$/, 'must be a git repository URL or path (no spaces, not starting with "-")')
      .describe('With type "git" and a project that is not a git checkout (kind artifact or command): the repository whose tags are releases.')
      .optional(),
    path: z
      .string()
      .regex(/\S/, 'must not be empty')
      .refine((p) => !p.includes('\0'), 'must not contain a NUL character')
      .describe('With type "folder": the release folder, absolute or relative to the project root.')
      .optional(),
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"')
      .refine((r) => !r.split('/').some((p) => p === '.' || p === '..'), 'must be "owner/name"')
      .describe('With type "github": the repository, "owner/name".')
      .optional(),
    apiUrl: z
      .string()
      .superRefine((u, ctx) => {
        const problem = apiUrlProblem(u);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('With type "github": the API base URL, e.g. "https://ghe.example/api/v3" for GitHub Enterprise (default https://api.github.com).')
      .optional(),
    remote: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a git remote name (letters, digits, ".", "_", "-", "/"; not starting with "-")')
      .default('origin')
      .describe('The git remote whose tags are releases.'),
    tagPattern: z
      .string()
      .superRefine((p, ctx) => {
        const problem = tagPatternProblem(p);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({
        pattern: '^(?!-)(?:(?!\\{version\\})[^\\s])*\\{version\\}(?:(?!\\{version\\})[^\\s])*$',
        examples: ['v{version}', '{version}', 'release-{version}'],
      })
      .default('v{version}')
      .describe('How a release tag is spelt; {version} marks the version, exactly once. The default "v{version}" also accepts bare versions.'),
  })
  .superRefine((src, ctx) => {
    if (src.type === 'github' && src.repo === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'type "github" needs `repo: owner/name`' });
    if (src.type !== 'github' && src.repo !== undefined) ctx.addIssue({ code: 'custom', path: ['repo'], message: '`repo` applies only with type: github' });
    if (src.type !== 'github' && src.apiUrl !== undefined) ctx.addIssue({ code: 'custom', path: ['apiUrl'], message: '`apiUrl` applies only with type: github' });
    if (src.type === 'folder' && src.path === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'type "folder" needs `path:` (the release folder)' });
    if (src.type !== 'folder' && src.path !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: '`path` applies only with type: folder' });
    if (src.type !== 'git' && src.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: '`url` applies only with type: git' });
  })
  .describe('Where releases are discovered.');

const smokeSchema = z
  .strictObject({
    command: command('Shell command (run with sh -c in the project root) that must exit 0 after an upgrade, or the upgrade is rolled back.'),
    timeoutSeconds: z
      .int()
      .min(SMOKE_TIMEOUT_BOUNDS.min)
      .max(SMOKE_TIMEOUT_BOUNDS.max)
      .default(DEFAULT_SMOKE_TIMEOUT_SECONDS)
      .describe('Seconds before the smoke test is killed and counted as failed (1..86400).'),
  })
  .describe('The check that decides whether an upgrade worked.');

const snapshotSchema = z
  .strictObject({
    paths: z.array(snapshotPath).default([]).describe('Untracked files or directories (data, local config) saved before an upgrade and restored on rollback.'),
    mode: z
      .enum(['auto', 'move', 'copy'])
      .default('auto')
      .describe(
        '"auto" (default): move a directory the install recreates anyway (node_modules under `npm ci`, a path the install `rm -rf`s, a venv made with --clear), copy the rest. "copy": clone by reflink where the file system supports copy-on-write, else copy; the originals never leave the project. "move": rename aside, nearly free; the originals leave the project while set aside. See docs/snapshots.md.',
      ),
  })
  .describe('Files outside git that a rollback must bring back. Git state is always snapshotted.');

const hooksSchema = z
  .strictObject({
    preUpgrade: command('Runs after the preflight checks, before anything changes; a non-zero exit stops the upgrade.').optional(),
    postCheckout: command('Runs right after the new release is checked out, before install; a non-zero exit rolls back.').optional(),
    postUpgrade: command('Runs after the smoke test passed, as the last step; a non-zero exit rolls back.').optional(),
    onRollback: command('Runs after a rollback restored the previous release; its failure is reported, never blocks the restore.').optional(),
  })
  .describe('Shell commands run at points of an upgrade, in the project root.');

/** One entry of `requires`: what this project needs of another watched project. */
export const requirementSchema = z
  .strictObject({
    min: versionConstraint('Lowest acceptable version of that project: a version, wildcard ("1.x.x") or range.').optional(),
    max: versionConstraint('Highest acceptable version; a wildcard ("1.x.x") admits every 1.y.z.').optional(),
    range: versionConstraint('A full constraint ("^1.2", ">=1.7 <2"), checked in addition to min and max.').optional(),
    contractsMajor: z.int().min(0).describe("Must equal the major of the release's contracts_version.").optional(),
    allowBreaking: z
      .array(z.string().regex(/\S/, 'must not be empty'))
      .describe('Breaking changes accepted: the change text or id, the release version carrying it, or "*".')
      .optional(),
  })
  .describe('What this project requires of that project.');

/** Default retries of an http health check, and the first backoff (doubled at each retry). */
export const DEFAULT_HEALTH_RETRIES = 3;
export const DEFAULT_HEALTH_BACKOFF_MS = 500;
export const DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR = 3;

/** `200`, `"200-399"`, `"200,204"`: why a status expectation is unusable, or null. */
export function expectStatusProblem(v: number | string): string | null {
  const parts = String(v).split(',').map((s) => s.trim());
  for (const part of parts) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) return `must be a status (200), a range ("200-399") or a list ("200,204"), got ${JSON.stringify(v)}`;
    if (m[2] !== undefined && Number(m[2]) < Number(m[1])) return `the range ${part} is empty`;
  }
  return null;
}

const timeoutMs = z.int().min(1).max(600_000).describe('Milliseconds before the attempt counts as failed (default 5000).');
const httpHealth = z
  .strictObject({
    type: z.literal('http'),
    url: z
      .string()
      .refine((u) => {
        try {
          const p = new URL(u).protocol;
          return p === 'http:' || p === 'https:';
        } catch {
          return false;
        }
      }, 'must be an http:// or https:// URL')
      .describe('The URL to GET. Redirects are not followed: a 3xx is judged by expectStatus.'),
    expectStatus: z
      .union([z.int(), z.string()])
      .superRefine((v, ctx) => {
        const problem = expectStatusProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('200-399')
      .describe('Acceptable status: 200, "200-399" (default) or "200,204".'),
    retries: z.int().min(0).max(20).default(DEFAULT_HEALTH_RETRIES).describe('Further attempts after a failure (default 3).'),
    backoffMs: z.int().min(0).max(600_000).default(DEFAULT_HEALTH_BACKOFF_MS).describe('Wait before the first retry, doubled at each next one (default 500).'),
    timeoutMs: timeoutMs.default(5000),
  })
  .describe('An HTTP GET that must answer with an expected status.');
const tcpHealth = z
  .strictObject({
    type: z.literal('tcp'),
    host: z.string().regex(/^[^\s/]+$/, 'must be a host name or address').describe('Host to connect to.'),
    port: z.int().min(1).max(65535).describe('TCP port that must accept a connection.'),
    timeoutMs: timeoutMs.default(5000),
  })
  .describe('A TCP port that must accept a connection.');
const execHealth = z
  .strictObject({
    type: z.literal('exec'),
    command: command('Shell command (sh -c, in the project root) that must exit 0.'),
    timeoutSeconds: z.int().min(1).max(86_400).default(60).describe('Seconds before the command is killed and counted as failed (default 60).'),
  })
  .describe('A command that must exit 0.');
const healthSchema = z
  .array(z.discriminatedUnion('type', [httpHealth, tcpHealth, execHealth]))
  .describe('Checks run after the smoke test (and the postUpgrade hook); any failure rolls back.');
const watchSchema = z
  .strictObject({
    seconds: z.int().min(1).max(86_400).describe('Keep running the health checks for this long after the upgrade.'),
    intervalSeconds: z.int().min(1).max(3600).default(5).describe('Seconds between rounds of checks (default 5).'),
  })
  .describe('A watch window after the upgrade: any failing health check inside it rolls back.');

/** Why an asset-name pattern is unusable, or null: one file name, with {version} somewhere in it or fixed. */
export function assetPatternProblem(p: string): string | null {
  if (p.trim() === '') return 'must not be empty';
  if (/[\\/]/.test(p) || p === '.' || p === '..') return `must be a file name, not a path, got ${JSON.stringify(p)}`;
  if (/[\p{Cc}]/u.test(p)) return 'must not contain control characters';
  const unknown = [...p.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((k) => !['version', 'tag', 'os', 'arch'].includes(k ?? ''));
  if (unknown.length > 0) return `knows {version}, {tag}, {os} and {arch}, not {${unknown[0]}}`;
  return null;
}

const assetPattern = (description: string) =>
  z
    .string()
    .superRefine((p, ctx) => {
      const problem = assetPatternProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(description);

const artifactSchema = z
  .strictObject({
    asset: assetPattern('The release asset to install, e.g. "node_exporter-{version}.linux-{arch}.tar.gz" ({version}, {tag}, {os}, {arch} are filled in). A .tar, .tar.gz or .tgz is unpacked; any other file is installed as is.'),
    checksums: assetPattern('The release\'s checksum file (SHA256SUMS format), e.g. "sha256sums.txt". Every download is verified against it before it is unpacked.').default('SHA256SUMS'),
    baseUrl: z
      .string()
      .superRefine((u, ctx) => {
        const problem = downloadUrlProblem(u.replaceAll('{version}', '0.0.0').replaceAll('{tag}', 'v0.0.0'));
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('Where the asset and checksum file are downloaded from when the source does not list assets (type git), e.g. "https://github.com/prometheus/node_exporter/releases/download/v{version}/".')
      .optional(),
    strip: z.int().min(0).max(16).default(0).describe('Leading path components removed from archive entries (1 for archives with a top directory).'),
    keep: z.int().min(1).max(100).default(3).describe('Installed versions kept under versions/ (the current one always counts); older ones are removed after an upgrade (default 3).'),
    keepDays: z.number().min(0).max(3650).describe('Also keep every version used within this many days.').optional(),
    restart: command('Shell command run (in the project directory) after `current` is switched, and again after a rollback switched it back.').optional(),
    maxMegabytes: z.int().min(1).max(65_536).default(2048).describe('Largest download accepted, in MiB (default 2048).'),
  })
  .describe('kind "artifact": how a release is installed. The project directory holds versions/<version>/ and a `current` symlink switched atomically.');

/** Why an artifact download base URL is unusable, or null: https (plain http only to this machine), no credentials. */
export function downloadUrlProblem(u: string): string | null {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return `must be a URL such as "https://example.com/releases/v{version}/", got ${JSON.stringify(u)}`;
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be an https:// URL (plain http only to this machine)';
  if (url.username || url.password) return 'must not contain credentials';
  return null;
}

/** A user command: a list of arguments run without a shell ({version} filled into single arguments), or a shell string that reads $UPSHIFT_VERSION. */
const userCommand = (description: string) =>
  z
    .union([
      z
        .array(z.string().refine((s) => !s.includes('\0'), 'must not contain a NUL character'))
        .min(1, 'must name the program to run')
        .refine((a) => (a[0] ?? '').trim() !== '' && !(a[0] ?? '').includes('{version}'), 'the program (first item) must be fixed text, not {version}'),
      command(description).refine((s) => !s.includes('{version}'), 'a shell string must not contain {version} (the version never becomes shell text): use "$UPSHIFT_VERSION" in it, or the list form ["prog", "--version", "{version}"]'),
    ])
    .describe(description);

const commandKindSchema = z
  .strictObject({
    current: userCommand('Prints the installed version (the first word that reads as a version is used).'),
    apply: userCommand('Moves to a version: {version} (list form) or $UPSHIFT_VERSION (shell string) is the target.'),
    rollback: userCommand('Moves back to a version: {version} / $UPSHIFT_VERSION is the version to return to.'),
    timeoutSeconds: z.int().min(1).max(86_400).default(1800).describe('Seconds before apply or rollback is stopped and counted as failed (default 1800).'),
  })
  .describe('kind "command": the commands that read, apply and roll back a version of anything else (Docker Compose, Helm, a package manager).');

const gate = z.enum(GATE_ACTIONS);
const gatesSchema = z
  .strictObject({
    patch: gate.default('auto').describe('Gate for patch bumps (default auto).'),
    minor: gate.default('review').describe('Gate for minor bumps (default review).'),
    major: gate.default('manual').describe('Gate for major bumps (default manual).'),
    prerelease: gate.default('manual').describe('Gate for any upgrade to a prerelease (default manual).'),
  })
  .describe('What an upgrade of each bump type needs: auto (no confirmation), review (show the plan, confirm), manual (only when asked for explicitly), skip (never offered).');

/** A notification URL (electron/core/notify/url.ts); a problem names the URL with its secrets redacted. */
const notifyUrl = z.string().superRefine((text, ctx) => {
  try {
    parseChannelUrl(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const notifySchema = z
  .array(
    z.union([
      notifyUrl,
      z.strictObject({
        url: notifyUrl.describe('The channel URL (slack://…, discord://…, ntfy://host/topic, gotify://host/token, smtp://user:pass@host:587?from=…&to=…, json://host/path, file:///path.jsonl).'),
        name: z.string().min(1).max(64).describe('What to call the channel in output (default: its URL with secrets hidden).').optional(),
        events: z
          .array(z.enum(NOTIFY_EVENT_TYPES.filter((t) => t !== 'test') as [NotifyEventType, ...NotifyEventType[]]))
          .describe('Only these events (default: all).')
          .optional(),
        digest: z
          .string()
          .regex(/^(daily|off|([01]?\d|2[0-3]):[0-5]\d)$/, 'must be daily, off or a time of day such as 18:30')
          .describe('Gather the events into one message a day: "daily" (09:00) or a local time of day "HH:MM".')
          .optional(),
        rate: z.int().min(1).max(600).describe('At most this many messages a minute (default 30).').optional(),
      }),
    ]),
  )
  .describe("Notification channels for this project's events (upgraded, rolled back, update available…), beside the global ones. See docs/notifications.md.");

const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** `support:` (docs/manifest.md): the newest N minor lines are supported, and/or an end-of-life day per version line. */
const supportSchema = z
  .strictObject({
    lastMinors: z.int().min(1).max(100).describe('Only the newest N minor lines (1.4.x, 1.3.x, …) are supported; older ones are end of life.').optional(),
    eol: z
      .record(
        z.string().regex(/^v?\d+(\.(\d+|x|\*)){0,2}$/i, 'must be a version line such as "1.x", "1.4.x" or "2"'),
        z.string().regex(DAY_TEXT, 'must be a day such as "2027-06-30"'),
      )
      .describe('End-of-life day per version line: { "1.x": "2027-06-30" }. The day is the last supported one.')
      .optional(),
  })
  .describe('Support windows: a version past its end of life is flagged in check, plan and the dashboard (30 days ahead too), and releases past theirs are not offered unless asked for with --to.');

/** `verify:` (docs/trust.md): release tags must be signed by one of these keys, checked before checkout. */
const verifySchema = z
  .strictObject({
    ssh: z
      .strictObject({ allowedSigners: z.string().regex(/\S/, 'must not be empty').describe("An allowed-signers file (ssh-keygen's format, git's gpg.ssh.allowedSignersFile); relative to the project, ~ for home.") })
      .describe('SSH signatures (git gpg.format=ssh): the principals and keys allowed to sign release tags.')
      .optional(),
    gpg: z
      .strictObject({ keyring: z.string().regex(/\S/, 'must not be empty').describe('A keyring: exported public keys (.asc/.gpg), a pubring.kbx, or a GnuPG home directory; relative to the project, ~ for home.') })
      .describe('OpenPGP signatures: the keys allowed to sign release tags (checked in a throwaway GNUPGHOME; needs gpg).')
      .optional(),
  })
  .refine((v) => v.ssh !== undefined || v.gpg !== undefined, 'needs `ssh: { allowedSigners }` or `gpg: { keyring }`')
  .describe('Release tags must carry a signature by an allowed key (git verify-tag); an unsigned or wrongly signed target is refused.');

/**
 * The schema of `upshift.yml`. Every key is optional; unknown keys are errors. Parsing fills defaults for
 * `source`, `channel`, `snapshot` and `gates`; `smoke`, `hooks` and `requires` stay absent when absent.
 */
export const upshiftManifestSchema = z
  .strictObject({
    $schema: z.string().describe('Where editors find this schema; ignored by Upshift.').optional(),
    name: z.string().regex(/\S/, 'must not be empty').describe('Project name (defaults to the directory name).').optional(),
    kind: z
      .enum(['git', 'artifact', 'command'])
      .default('git')
      .describe('What the project is: "git" (a checkout moved between release tags, the default), "artifact" (release assets unpacked into versions/<version>/ behind a `current` symlink) or "command" (user commands read, apply and roll back versions).'),
    artifact: artifactSchema.optional(),
    command: commandKindSchema.optional(),
    source: sourceSchema.prefault({}),
    channel: z.enum(CHANNELS).default('stable').describe('"stable" ignores prereleases; "prerelease" offers them too.'),
    install: command('Command run after checkout to install dependencies (e.g. "npm ci").').optional(),
    smoke: smokeSchema.optional(),
    snapshot: snapshotSchema.prefault({}),
    hooks: hooksSchema.optional(),
    requires: z
      .record(z.string().regex(/\S/, 'must not be empty'), requirementSchema)
      .describe('Requirements on other watched projects, keyed by their name.')
      .optional(),
    core: z.string().regex(/\S/, 'must not be empty').describe('The watched project this one builds on. Defaults to the only key of requires, if there is exactly one.').optional(),
    gates: gatesSchema.prefault({}),
    version: z
      .string()
      .refine((v) => parseVersion(v) !== null, 'must be a version such as "1.4.2"')
      .describe('With strategy "pinned": the exact version to stay on or move to. Otherwise the version this checkout declares, used when git has no matching tag.')
      .optional(),
    strategy: z
      .enum(['latest', 'pinned', 'range', 'lts'])
      .default('latest')
      .describe('Which releases are offered: "latest" (default), "pinned" (only `version`), "range" (only inside `range`), "lts" (only releases whose metadata says lts: true).'),
    range: versionConstraint('With strategy "range": the constraint releases must satisfy (">=2.9 <3").').optional(),
    exclude: z
      .array(z.string().refine((v) => parseVersion(v) !== null, 'must be a version such as "1.4.2" or a tag'))
      .describe('Versions never offered.')
      .optional(),
    minimumReleaseAge: z.number().min(0).max(3650).describe('Days a release must have been out (by its tag date) before it is offered.').optional(),
    offline: z.boolean().describe('Never use the network for this project: check uses the releases seen last; plan and upgrade use local tags only.').optional(),
    notify: notifySchema.optional(),
    automation: projectAutomationSchema
      .describe('Unattended upgrades for this project (docs/automation.md): over the global `upshift policy` settings, key by key; `security` merges key by key, lists are replaced whole.')
      .optional(),
    health: healthSchema.optional(),
    watch: watchSchema.optional(),
    maxAutoRollbacksPerHour: z
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR)
      .describe('After this many automatic rollbacks within an hour, further upgrades are refused until the hour has passed or --force is given (default 3).'),
    checkout: z
      .enum(['detach', 'branch'])
      .describe(
        'kind git: what an upgrade does to branches. "detach" (default): HEAD is detached at the release, the branch it was on stays where it was. "branch": the current branch follows when it fast-forwards to the release, else a branch upshift/<project> is created or fast-forwarded and checked out; a branch with commits the release lacks is never rewritten (the upgrade is refused). `upgrade --checkout` overrides it.',
      )
      .optional(),
    support: supportSchema.optional(),
    verify: verifySchema.optional(),
    upgradePath: z
      .array(z.string().refine((v) => /^v?\d+(\.(\d+|x|\*))*$/i.test(v.trim()) || parseVersion(v) !== null, 'must be a version ("1.2.0") or a line ("1.2.x")'))
      .describe('Required stops of a multi-hop upgrade (GitLab-style upgrade path): an exact version, or a line ("1.2.x") meaning its newest known release. An upgrade across a stop runs hop by hop, with smoke and health at each (docs/batches-and-paths.md).')
      .optional(),
    requiredStops: z
      .array(z.string().refine((v) => /^v?\d+(\.(\d+|x|\*))*$/i.test(v.trim()) || parseVersion(v) !== null, 'must be a version ("1.2.0") or a line ("1.2.x")'))
      .describe('Another name for `upgradePath`; both lists are used.')
      .optional(),
    contractsStops: z.boolean().describe('Stop at the last release before a contracts major change (default true).').optional(),
    onHopFailure: z
      .enum(['rollback-all', 'last-good'])
      .describe('When a hop of a multi-hop upgrade fails: "rollback-all" (default) returns to where the path started; "last-good" keeps the hops that passed and stops at the last good one. `upgrade --on-hop-failure` overrides it.')
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.strategy === 'pinned' && m.version === undefined) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'strategy "pinned" needs `version:` (the version to pin to)' });
    if (m.strategy === 'range' && m.range === undefined) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'strategy "range" needs `range:` (e.g. ">=2.9 <3")' });
    if (m.strategy !== 'range' && m.range !== undefined) ctx.addIssue({ code: 'custom', path: ['range'], message: '`range` applies only with strategy: range' });
    if (m.kind === 'artifact' && m.artifact === undefined) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'kind "artifact" needs an `artifact:` section (at least `asset:`)' });
    if (m.kind === 'command' && m.command === undefined) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'kind "command" needs a `command:` section (`current`, `apply`, `rollback`)' });
    if (m.kind !== 'artifact' && m.artifact !== undefined) ctx.addIssue({ code: 'custom', path: ['artifact'], message: '`artifact` applies only with kind: artifact' });
    if (m.kind !== 'command' && m.command !== undefined) ctx.addIssue({ code: 'custom', path: ['command'], message: '`command` applies only with kind: command' });
    if (m.kind === 'artifact' && m.source.type === 'git' && m.artifact?.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['artifact'], message: 'with source type "git", kind "artifact" needs `artifact.baseUrl` (where the assets are downloaded from); GitHub and folder sources list their assets' });
    }
    if (m.kind !== 'git' && m.source.type === 'git' && m.source.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: `kind "${m.kind}" is not a git checkout: with source type "git" it needs \`source.url\` (the repository whose tags are releases)` });
    }
    if (m.kind !== 'git' && m.verify !== undefined) ctx.addIssue({ code: 'custom', path: ['verify'], message: '`verify` applies only to kind: git (it checks signed release tags)' });
    if (m.kind !== 'git' && m.checkout !== undefined) ctx.addIssue({ code: 'custom', path: ['checkout'], message: '`checkout` applies only to kind: git (there is no checkout)' });
    if (m.kind !== 'git') {
      for (const key of ['install', 'snapshot'] as const) {
        if (key === 'snapshot' ? m.snapshot.paths.length > 0 : m[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` applies only to kind: git` });
      }
      if (m.hooks?.postCheckout !== undefined) ctx.addIssue({ code: 'custom', path: ['hooks', 'postCheckout'], message: '`hooks.postCheckout` applies only to kind: git (there is no checkout)' });
    }
  })
  .meta({
    title: 'Upshift project manifest (upshift.yml)',
    description: 'How Upshift discovers, checks, upgrades and rolls back this project. Every key is optional.',
  });

/** `upshift.yml` after parsing: defaults filled in. */
export type UpshiftManifestData = z.output<typeof upshiftManifestSchema>;

/** The default gates: patch auto, minor review, major manual, prerelease manual. */
export const DEFAULT_GATES = gatesSchema.parse({});

/**
 * The published JSON Schema (draft 2020-12) for `upshift.yml`, generated from the same zod schema that
 * validates it. `docs/upshift.schema.json` holds this output; a test keeps them equal.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(upshiftManifestSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<
    string,
    unknown
  >;
}
