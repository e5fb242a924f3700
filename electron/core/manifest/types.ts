import type { Channel, GateAction, SettingOrigin } from '../../../shared/api/types.js';
import type { Requirement } from '../../../shared/compat/requirement.js';
import type { ProjectAutomationPolicy } from '../../../shared/policy/automation.js';

/** A project's manifest after loading and normalising either format; every field has its default. */
export interface ProjectManifest {
  /**
   * Which format it came from, named by its file relative to the project root, or null when the project has
   * none. `'upshift.yml'` also stands for `upshift.yaml`; `filePath` says which file was actually read.
   */
  file: 'upshift.yml' | 'vertical_manifest.yaml' | null;
  /** Absolute path of the file that was read, or null when the project has none. */
  filePath: string | null;
  name: string | null;
  /**
   * `repo` and `apiUrl` only with type github (apiUrl absent: https://api.github.com); `path` (absolute) only with
   * type folder; `url` only with type git, for kinds that are not a checkout.
   */
  source: { type: 'git' | 'github' | 'folder'; remote: string; tagPattern: string; repo?: string; apiUrl?: string; path?: string; url?: string };
  /** What the project is (absent: git, a checkout moved between release tags). */
  kind?: ProjectKind;
  /** kind artifact: how a release is installed. */
  artifact?: ArtifactSpec;
  /** kind command: the user's commands. */
  command?: CommandSpec;
  channel: Channel;
  install: string | null;
  smoke: { command: string; timeoutSeconds: number; seedExitCodes: boolean } | null;
  snapshot: { paths: string[]; mode: 'auto' | 'move' | 'copy' };
  hooks: {
    preUpgrade: string | null;
    postCheckout: string | null;
    postUpgrade: string | null;
    onRollback: string | null;
  };
  /** Requirements on other watched projects, by project name. Seed format: `{ [core]: compatibility }`. */
  requires: Record<string, Requirement>;
  /** The project this one depends on (seed format: named by `--core` or `core:`). */
  core: string | null;
  gates: { patch: GateAction; minor: GateAction; major: GateAction; prerelease: GateAction };
  /** The version the manifest declares (seed `domain_version`, upshift.yml `version`), used when git has no tag. */
  declaredVersion: string | null;
  /** Seed format only: take a `pre-upgrade-YYYYMMDD-HHMMSS` tag as well. */
  seedFormat: boolean;
  /** Keys that were read but ignored, each with a reason, so the user can see what did not apply. */
  warnings: string[];
  /** Which releases are offered (absent: latest, no exclusions). */
  strategy?: StrategySpec;
  /** No network use for this project. */
  offline?: boolean;
  /** Checks run after smoke and the postUpgrade hook; absent or empty: none. */
  health?: HealthCheckSpec[];
  /** Keep running the health checks for `seconds` after the upgrade; a failure inside rolls back. */
  watch?: { seconds: number; intervalSeconds: number } | null;
  /** Notification channels for this project's events (`notify:`; see electron/core/notify/channels.ts). */
  notify?: Array<string | { url: string; name?: string | undefined; events?: string[] | undefined; digest?: string | undefined; rate?: number | undefined }>;
  /** Unattended upgrades for this project (`automation:`, docs/automation.md), over the global settings. */
  automation?: ProjectAutomationPolicy;
  /** Upgrades are refused after this many automatic rollbacks within an hour (default 3). */
  maxAutoRollbacksPerHour?: number;
  /** kind git: `branch` moves a branch with the upgrade (see engine/checkout-plan.ts); absent: `detach`. */
  checkout?: 'detach' | 'branch';
  /** `support:` — support windows (shared/policy/support.ts). */
  support?: { lastMinors?: number | undefined; eol?: Record<string, string> | undefined };
  /** `verify:` — allowed signers of release tags, paths absolute (electron/core/trust/signature.ts). */
  verify?: { ssh?: { allowedSigners: string } | undefined; gpg?: { keyring: string } | undefined };
  /** `upgradePath` and `requiredStops` together: required stops of a multi-hop upgrade (shared/plan/path.ts). */
  requiredStops?: string[];
  /** `contractsStops: false` turns off the stop before a contracts major change. */
  contractsStops?: boolean;
  /** `onHopFailure`: what a failed hop does (default rollback-all). */
  onHopFailure?: 'rollback-all' | 'last-good';
  /** The configuration Upshift keeps for this project outside the checkout, when one was read (absolute path). */
  config?: string | null;
  /** Where each setting came from (manifest file, external config, default); set by loadManifest. */
  origins?: SettingOrigin[];
}

export interface StrategySpec {
  type: 'latest' | 'pinned' | 'range' | 'lts';
  /** `pinned`: the version. */
  version: string | null;
  range: string | null;
  exclude: string[];
  /** Days. */
  minimumReleaseAge: number | null;
}

export type HealthCheckSpec =
  | { type: 'http'; url: string; expectStatus: number | string; retries: number; backoffMs: number; timeoutMs: number }
  | { type: 'tcp'; host: string; port: number; timeoutMs: number }
  | { type: 'exec'; command: string; timeoutSeconds: number };

export type ProjectKind = 'git' | 'artifact' | 'command';

export interface ArtifactSpec {
  /** Asset file name pattern: {version}, {tag}, {os}, {arch}. */
  asset: string;
  /** Checksum file name pattern (SHA256SUMS format). */
  checksums: string;
  /** Download base for the asset and checksum file ({version}, {tag}); absent when the source lists assets. */
  baseUrl: string | null;
  strip: number;
  keep: number;
  keepDays: number | null;
  restart: string | null;
  maxBytes: number;
}

/** A user command: argv run without a shell ({version} filled in per argument), or a shell string reading $UPSHIFT_VERSION. */
export type UserCommand = { argv: string[] } | { shell: string };

export interface CommandSpec {
  current: UserCommand;
  apply: UserCommand;
  rollback: UserCommand;
  timeoutSeconds: number;
}
