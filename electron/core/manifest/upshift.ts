import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import type { Requirement } from '../../../shared/compat/requirement.js';
import { ManifestError, type ManifestIssue } from './errors.js';
import { toManifestIssues } from './issues.js';
import { DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR, normalizeSnapshotPath, upshiftManifestSchema, type UpshiftManifestData } from './schema.js';
import type { ProjectManifest, UserCommand } from './types.js';
import { symlinkEscape } from './snapshot-escape.js';
import { locate, type ParsedYaml, replaceWithSource, valueAt } from './yaml-locate.js';

/**
 * Validates a parsed `upshift.yml` against the schema and normalises it into a {@link ProjectManifest}.
 * @throws ManifestError listing every problem.
 */
export function normalizeUpshiftManifest(parsed: ParsedYaml, root: string, opts: { core?: string | undefined }): ProjectManifest {
  return normalizeUpshiftLayers([parsed], root, opts).manifest;
}

/**
 * Mappings merge key by key (`top` wins); lists and single values are replaced whole. How a configuration layer
 * applies over the manifest below it: `smoke: {command: x}` over `smoke: {command: y, timeoutSeconds: 60}` keeps
 * the timeout.
 */
export function mergeLayerData(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const below = out[key];
    out[key] = isMapping(value) && isMapping(below) ? mergeLayerData(below, value) : value;
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The layer a problem at `segments` belongs to: the highest one that holds that value, else the highest one that
 * holds its nearest parent (a missing required key is the fault of whoever wrote its section), else the lowest.
 */
function ownerOf(layers: readonly ParsedYaml[], segments: readonly PropertyKey[]): ParsedYaml {
  for (let n = segments.length; n > 0; n--) {
    for (let i = layers.length - 1; i >= 0; i--) {
      if (valueAt(layers[i]!.data, segments.slice(0, n)) !== undefined) return layers[i]!;
    }
  }
  return layers[0]!;
}

/** zod's issues on the merged data, each located in the layer whose value it is about. */
function layeredIssues(layers: readonly ParsedYaml[], issues: readonly z.core.$ZodIssue[]): ManifestIssue[] {
  const out: ManifestIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const owner = ownerOf(layers, [...issue.path, key]);
        out.push(...toManifestIssues(owner, upshiftManifestSchema, [{ ...issue, keys: [key] }]));
      }
      continue;
    }
    out.push(...toManifestIssues(ownerOf(layers, issue.path), upshiftManifestSchema, [issue]));
  }
  return out;
}

/**
 * Validates layers of `upshift.yml` data (lowest first: the manifest in the checkout, then the configuration Upshift
 * keeps for the project) merged with {@link mergeLayerData}, and normalises the result. Every problem is located in
 * the file that holds the offending value. `file` and `filePath` name the lowest layer; callers adjust them.
 * @throws ManifestError listing every problem.
 */
export function normalizeUpshiftLayers(layers: readonly ParsedYaml[], root: string, opts: { core?: string | undefined }): { manifest: ProjectManifest; data: UpshiftManifestData } {
  if (layers.length === 0) throw new TypeError('normalizeUpshiftLayers needs at least one layer');
  for (const layer of layers) keepNumbersAsWritten(layer);
  const merged = layers.slice(1).reduce((acc, l) => mergeLayerData(acc, l.data), layers[0]!.data);
  const result = upshiftManifestSchema.safeParse(merged);
  if (!result.success) throw new ManifestError(layeredIssues(layers, result.error.issues));
  const m = result.data;
  const parsed = layers[0]!;

  const snapshotIssues: ManifestIssue[] = [];
  const paths: string[] = [];
  m.snapshot.paths.forEach((p, i) => {
    const normal = normalizeSnapshotPath(p);
    const escape = symlinkEscape(root, normal);
    if (escape) {
      const owner = ownerOf(layers, ['snapshot', 'paths', i]);
      snapshotIssues.push({ file: owner.file, ...locate(owner, ['snapshot', 'paths', i]), field: `snapshot.paths[${i}]`, problem: escape });
    }
    if (!paths.includes(normal)) paths.push(normal);
  });
  if (snapshotIssues.length > 0) throw new ManifestError(snapshotIssues);

  const warnings = layers.flatMap((l) => l.warnings);
  const requires: Record<string, Requirement> = {};
  for (const [project, req] of Object.entries(m.requires ?? {})) {
    const r: Requirement = {};
    if (req.min !== undefined) r.min = req.min;
    if (req.max !== undefined) r.max = req.max;
    if (req.range !== undefined) r.range = req.range;
    if (req.contractsMajor !== undefined) r.contractsMajor = req.contractsMajor;
    if (req.allowBreaking !== undefined) r.allowBreaking = [...req.allowBreaking];
    requires[project] = r;
  }
  const requiredProjects = Object.keys(requires);
  let core: string | null = m.core ?? (requiredProjects.length === 1 ? (requiredProjects[0] ?? null) : null);
  if (opts.core !== undefined) {
    if (core !== null && core !== opts.core) {
      warnings.push(`core: ${path.basename(ownerOf(layers, ['core']).file)} names "${core}" but --core names "${opts.core}"; using "${opts.core}"`);
    }
    core = opts.core;
  }
  if (m.watch !== undefined && (m.health ?? []).length === 0) {
    warnings.push('watch: there are no health checks to keep running; the watch window is ignored (add `health:` checks)');
  }
  if (m.name !== undefined && requires[m.name] !== undefined) {
    warnings.push(`requires.${m.name}: a project cannot require itself; this requirement will never be checked`);
  }

  const manifest: ProjectManifest = {
    file: 'upshift.yml',
    filePath: parsed.file,
    name: m.name ?? null,
    source: {
      type: m.source.type,
      remote: m.source.remote,
      tagPattern: m.source.tagPattern,
      ...(m.source.repo !== undefined ? { repo: m.source.repo } : {}),
      ...(m.source.apiUrl !== undefined ? { apiUrl: m.source.apiUrl } : {}),
      ...(m.source.path !== undefined ? { path: path.resolve(root, m.source.path) } : {}),
      ...(m.source.url !== undefined ? { url: m.source.url } : {}),
    },
    ...(m.kind !== 'git' ? { kind: m.kind } : {}),
    ...(m.artifact
      ? {
          artifact: {
            asset: m.artifact.asset,
            checksums: m.artifact.checksums,
            baseUrl: m.artifact.baseUrl ?? null,
            strip: m.artifact.strip,
            keep: m.artifact.keep,
            keepDays: m.artifact.keepDays ?? null,
            restart: m.artifact.restart ?? null,
            maxBytes: m.artifact.maxMegabytes * 1024 * 1024,
          },
        }
      : {}),
    ...(m.command
      ? {
          command: {
            current: userCommand(m.command.current),
            apply: userCommand(m.command.apply),
            rollback: userCommand(m.command.rollback),
            timeoutSeconds: m.command.timeoutSeconds,
          },
        }
      : {}),
    channel: m.channel,
    install: m.install ?? null,
    smoke: m.smoke ? { command: m.smoke.command, timeoutSeconds: m.smoke.timeoutSeconds, seedExitCodes: false } : null,
    snapshot: { paths, mode: m.snapshot.mode },
    hooks: {
      preUpgrade: m.hooks?.preUpgrade ?? null,
      postCheckout: m.hooks?.postCheckout ?? null,
      postUpgrade: m.hooks?.postUpgrade ?? null,
      onRollback: m.hooks?.onRollback ?? null,
    },
    requires,
    core,
    gates: { ...m.gates },
    declaredVersion: m.strategy === 'pinned' ? null : (m.version ?? null),
    seedFormat: false,
    warnings,
    // The keys of strategies and health checks are present only when set, so a manifest without them equals the defaults.
    ...(m.strategy !== 'latest' || m.exclude !== undefined || m.minimumReleaseAge !== undefined
      ? {
          strategy: {
            type: m.strategy,
            version: m.strategy === 'pinned' ? (m.version ?? null) : null,
            range: m.range ?? null,
            exclude: [...(m.exclude ?? [])],
            minimumReleaseAge: m.minimumReleaseAge ?? null,
          },
        }
      : {}),
    ...(m.offline !== undefined ? { offline: m.offline } : {}),
    ...(m.notify !== undefined ? { notify: m.notify.map((e) => (typeof e === 'string' ? e : { ...e })) } : {}),
    ...(m.automation !== undefined ? { automation: m.automation } : {}),
    ...(m.health !== undefined ? { health: m.health.map((h) => ({ ...h })) } : {}),
    ...(m.watch !== undefined ? { watch: { ...m.watch } } : {}),
    ...(m.maxAutoRollbacksPerHour !== DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR ? { maxAutoRollbacksPerHour: m.maxAutoRollbacksPerHour } : {}),
    ...(m.checkout === 'branch' ? { checkout: m.checkout } : {}),
    ...(m.support !== undefined ? { support: { ...m.support } } : {}),
    ...(m.upgradePath !== undefined || m.requiredStops !== undefined ? { requiredStops: [...(m.upgradePath ?? []), ...(m.requiredStops ?? [])] } : {}),
    ...(m.contractsStops !== undefined ? { contractsStops: m.contractsStops } : {}),
    ...(m.onHopFailure !== undefined ? { onHopFailure: m.onHopFailure } : {}),
    ...(m.verify !== undefined
      ? {
          verify: {
            ...(m.verify.ssh ? { ssh: { allowedSigners: resolveUserPath(root, m.verify.ssh.allowedSigners) } } : {}),
            ...(m.verify.gpg ? { gpg: { keyring: resolveUserPath(root, m.verify.gpg.keyring) } } : {}),
          },
        }
      : {}),
  };
  return { manifest, data: m };
}

/** A path from the manifest: `~/…` under the home directory, relative ones under the project. */
function resolveUserPath(root: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(root, p);
}

function userCommand(c: string | string[]): UserCommand {
  return typeof c === 'string' ? { shell: c } : { argv: [...c] };
}

/**
 * YAML reads `version: 1.10` as the number 1.1; for fields that hold versions or names, take the text as
 * written instead, so `1.10` stays "1.10" and the schema sees a string.
 */
function keepNumbersAsWritten(parsed: ParsedYaml): void {
  const paths: PropertyKey[][] = [['version'], ['name'], ['core'], ['range']];
  const exclude = parsed.data.exclude;
  if (Array.isArray(exclude)) exclude.forEach((_, i) => paths.push(['exclude', i]));
  const requires = parsed.data.requires;
  if (requires !== null && typeof requires === 'object' && !Array.isArray(requires)) {
    for (const [project, req] of Object.entries(requires as Record<string, unknown>)) {
      for (const key of ['min', 'max', 'range']) paths.push(['requires', project, key]);
      const allow = valueAt(req, ['allowBreaking']);
      if (Array.isArray(allow)) allow.forEach((_, i) => paths.push(['requires', project, 'allowBreaking', i]));
    }
  }
  for (const p of paths) replaceWithSource(parsed, p);
}
