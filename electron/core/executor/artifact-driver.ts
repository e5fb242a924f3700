import fs from 'node:fs';
import path from 'node:path';
import { displayUrl, downloadToFile, extractTar, parseSha256Sums, verifyAgainstSums } from '../archive/index.js';
import { shellQuote } from '../../../shared/plan/index.js';
import {
  isTarName,
  markActivated,
  pruneVersions,
  readCurrentLink,
  readMarker,
  switchCurrentLink,
  writeMarker,
} from '../kinds/artifact-layout.js';
import { UpshiftError } from '../errors.js';
import { operationSnapshotDir } from '../state/paths.js';
import { OperationContext, StepFailure } from './context.js';
import type { ArtifactJournal } from './journal.js';
import { stopOrphanGroup } from './restore.js';
import { assertFreeSpace, HOOK_TIMEOUT_MS, type KindDriver, type OperationJob, type UndoResult } from './job.js';

/** Where an artifact comes from: downloaded, or a file of the offline release folder. */
export type ArtifactLocation = { url: string; checksumsUrl: string } | { file: string; checksumsFile: string };

/** What an artifact operation needs beyond the generic job. */
export interface ArtifactJob {
  /** `versions/<dir>` to switch `current` to; null removes `current` (a rollback to before the first install). */
  target: string | null;
  /** Upgrade only: how to obtain and install the target (absent for a rollback, which only switches). */
  install?: {
    asset: string;
    checksums: string;
    location: ArtifactLocation;
    strip: number;
    maxBytes: number;
  };
  restart: string | null;
  retention: { keep: number; keepDays: number | null } | null;
}

const RESTART_TIMEOUT_MS = 10 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;

/**
 * The steps of a `kind: artifact` operation. The new version is unpacked beside the old ones (nothing in use is
 * touched), then `current` is switched with one rename; undoing is the same switch back, at once.
 */
export function artifactDriver(ctx: OperationContext, job: OperationJob, env: Record<string, string>): KindDriver {
  const root = ctx.project.path;
  const a = job.artifact!;
  const journal = (): ArtifactJournal => ctx.journal().artifact ?? { previous: null };
  const note = (patch: Partial<ArtifactJournal>) => ctx.record({ artifact: { ...journal(), ...patch } });
  const files = () => {
    const dir = journal().downloadDir ?? path.join(operationSnapshotDir(ctx.store.paths.home, ctx.operationId), 'download');
    const install = a.install!;
    return 'file' in install.location
      ? { dir: null, asset: install.location.file, checksums: install.location.checksumsFile }
      : { dir, asset: path.join(dir, install.asset), checksums: path.join(dir, install.checksums) };
  };
  let verifiedSha: string | null = null;
  const restart = (stepId: string, ignoreCancel = false) =>
    a.restart ? ctx.command(stepId, { command: a.restart, timeoutMs: RESTART_TIMEOUT_MS, env: { ...env, UPSHIFT_VERSION: versionOf(a.target) ?? '' }, ignoreCancel }) : Promise.resolve();

  return {
    actions: {
      preflight: async () => {
        assertFreeSpace(root, job);
        try {
          readCurrentLink(root);
        } catch (err) {
          throw new StepFailure('preflight', (err as Error).message, null, true, (err as UpshiftError).code ?? 'CURRENT_NOT_A_LINK');
        }
        if (a.target && !a.install && !fs.statSync(path.join(root, a.target), { throwIfNoEntry: false })?.isDirectory()) {
          throw new StepFailure('preflight', `${path.join(root, a.target)} is no longer installed (removed by retention or by hand), so \`current\` cannot be switched back to it. Nothing was changed.`, null, true, 'VERSION_MISSING');
        }
      },
      snapshot: async () => {
        const before = readCurrentLink(root);
        ctx.record({ kind: 'artifact', artifact: { previous: before?.target ?? null } });
      },
      download: async () => {
        const install = a.install!;
        if (!('url' in install.location)) return;
        const dir = path.join(operationSnapshotDir(ctx.store.paths.home, ctx.operationId), 'download');
        note({ downloadDir: dir });
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const opts = { maxBytes: install.maxBytes, timeoutMs: DOWNLOAD_TIMEOUT_MS, idleTimeoutMs: 60_000, ...(ctx.signal ? { signal: ctx.signal } : {}) };
        const sums = await downloadToFile(new URL(install.location.checksumsUrl), path.join(dir, install.checksums), { ...opts, maxBytes: 8 * 1024 * 1024 });
        ctx.log('download', `${install.checksums}: ${sums.bytes} bytes from ${displayUrl(new URL(sums.finalUrl))}`);
        let reported = 0;
        const got = await downloadToFile(new URL(install.location.url), path.join(dir, install.asset), {
          ...opts,
          onProgress: (bytes, total) => {
            if (bytes - reported >= 8 * 1024 * 1024 || (total !== null && bytes === total)) {
              reported = bytes;
              ctx.log('download', `${install.asset}: ${Math.round(bytes / 1048576)} MiB${total ? ` of ${Math.round(total / 1048576)} MiB` : ''}`);
            }
          },
        });
        ctx.log('download', `${install.asset}: ${got.bytes} bytes from ${displayUrl(new URL(got.finalUrl))}, sha256 ${got.sha256}`);
      },
      verify: async () => {
        const install = a.install!;
        const f = files();
        let text: string;
        try {
          text = fs.readFileSync(f.checksums, 'utf8');
        } catch {
          throw new StepFailure('verify', `The checksum file ${f.checksums} is missing, so ${install.asset} cannot be verified. Nothing was changed.`, null, false, 'CHECKSUM_MISSING');
        }
        try {
          verifiedSha = await verifyAgainstSums(f.asset, install.asset, parseSha256Sums(text, f.checksums), f.checksums, ctx.signal);
        } catch (err) {
          throw new StepFailure('verify', (err as Error).message, null, false, (err as UpshiftError).code ?? 'CHECKSUM_MISMATCH');
        }
        ctx.log('verify', `${install.asset}: sha256 ${verifiedSha} matches ${path.basename(f.checksums)}`);
      },
      unpack: async () => {
        const install = a.install!;
        const target = a.target!;
        const dest = path.join(root, target);
        const existing = readMarker(dest);
        if (existing && existing.sha256 === verifiedSha) {
          ctx.log('unpack', `${target} is already installed from the same ${install.asset}; reused`);
          return;
        }
        if (fs.existsSync(dest)) {
          // Never delete what Upshift did not install: the old directory is kept beside, named in a warning.
          const aside = path.join(root, 'versions', `.${path.basename(target)}.replaced-${ctx.operationId}`);
          fs.renameSync(dest, aside);
          ctx.warn(`${dest} existed without a matching install record; it was moved to ${aside} and ${install.asset} installed in its place.`);
        }
        note({ created: target });
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        const f = files();
        try {
          if (isTarName(install.asset)) {
            const r = await extractTar(f.asset, dest, { strip: install.strip, ...(ctx.signal ? { signal: ctx.signal } : {}) });
            ctx.log('unpack', `${r.files} files, ${r.bytes} bytes into ${target}`);
          } else {
            const tmp = `${dest}.partial-${ctx.operationId}`;
            fs.mkdirSync(tmp, { recursive: true });
            fs.copyFileSync(f.asset, path.join(tmp, install.asset));
            fs.chmodSync(path.join(tmp, install.asset), 0o755);
            fs.renameSync(tmp, dest);
          }
        } catch (err) {
          throw new StepFailure('unpack', (err as Error).message, null, false, (err as UpshiftError).code ?? 'UNPACK_FAILED');
        }
        writeMarker(dest, { version: path.basename(target), asset: install.asset, sha256: verifiedSha ?? '', installedAt: ctx.store.now(), activatedAt: null });
      },
      switch: async () => {
        note({ switched: true });
        const ms = switchCurrentLink(root, a.target);
        if (a.target) markActivated(root, a.target, ctx.store.now());
        ctx.log('switch', `current -> ${a.target ?? '(removed)'} in ${ms.toFixed(2)} ms`);
      },
      restart: async () => {
        await restart('restart');
      },
      finalize: async () => {
        const dir = journal().downloadDir;
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        if (a.retention) {
          const prev = journal().previous;
          const removed = pruneVersions(root, a.retention, new Date(ctx.store.now()), prev ? [prev] : []);
          if (removed.length > 0) ctx.log('finalize', `retention removed ${removed.map((d) => `versions/${d}`).join(', ')}`);
        }
      },
    },
    rollBack: () => undoArtifact(ctx, journal(), { restart: a.restart, env, ignoreCancel: true }),
  };
}

function versionOf(target: string | null): string | null {
  return target ? path.basename(target) : null;
}

/**
 * Puts `current` back where the journal says it pointed (or removes it when there was none), runs the restart
 * command so the old version is what runs, and removes a version directory the operation created. Used after a
 * failure, and by crash recovery.
 */
export async function undoArtifact(
  ctx: OperationContext,
  j: ArtifactJournal,
  opts: { restart: string | null; env: Record<string, string>; ignoreCancel: boolean },
): Promise<UndoResult> {
  const root = ctx.project.path;
  const problems: string[] = [];
  try {
    await ctx.step(
      'rollback',
      `Roll back: switch \`current\` back to ${j.previous ?? '(none)'}${opts.restart ? ', run the restart command' : ''}`,
      async () => {
        await stopOrphanGroup(ctx.journal().runningPgid ?? null);
        // A `current` that is not Upshift's link (readCurrentLink throws) is never replaced or removed.
        const now = readCurrentLink(root)?.target ?? null;
        if (now !== j.previous) {
          const ms = switchCurrentLink(root, j.previous);
          ctx.log('rollback', `current -> ${j.previous ?? '(removed)'} in ${ms.toFixed(2)} ms`);
        }
        if (j.switched && opts.restart) {
          await ctx.command('rollback', { command: opts.restart, timeoutMs: HOOK_TIMEOUT_MS, env: { ...opts.env, UPSHIFT_VERSION: versionOf(j.previous) ?? '' }, ignoreCancel: opts.ignoreCancel });
        }
        const after = readCurrentLink(root)?.target ?? null;
        if (after !== j.previous) throw new StepFailure('rollback', `\`current\` points at ${after ?? '(nothing)'}, expected ${j.previous ?? '(nothing)'}.`);
        if (j.created && j.created !== j.previous) fs.rmSync(path.join(root, j.created), { recursive: true, force: true });
        if (j.downloadDir) fs.rmSync(j.downloadDir, { recursive: true, force: true });
      },
      { ignoreCancel: true },
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length === 0) return { ok: true, problems, manualRecovery: null };
  const link = path.join(root, 'current');
  return {
    ok: false,
    problems,
    manualRecovery: j.previous ? `cd ${shellQuote(root)}\nln -sfn ${shellQuote(j.previous)} current` : `rm ${shellQuote(link)}`,
  };
}
