/**
 * `upshift matrix`: N verticals × M core versions — the last K releases from the core's tags, and the candidate when
 * one is named — each cell the verdict the gate gives (judge.ts), optionally with a smoke run (smoke.ts). The seed's
 * CI judged one vertical against one version; its roadmap asked for this table.
 */
import type { Release } from '../../../shared/version/index.js';
import type { ReadResult } from '../engine/verdict.js';
import { mapLimit } from '../util/map-limit.js';
import { previousRelease, readCandidate, resolveCandidate, type Candidate } from './candidate.js';
import { localReleases, type GateCore } from './core-project.js';
import { judgeReleases } from './judge.js';
import { runSmokeCells, type SmokeCell, type SmokeOptions } from './smoke.js';
import type { MatrixColumn, MatrixReport, MatrixRow, SmokeResult } from './types.js';
import type { VerticalManifest } from './verticals.js';

export interface MatrixOptions {
  /** How many of the newest releases (default 5). */
  last: number;
  /** The candidate's version, or null for releases only. */
  version: string | null;
  /** Where the candidate's tree is (see CiOptions.at). */
  at: string | null;
  /** Run each cell's smoke command (--run-smoke). */
  smoke?: SmokeOptions | null;
}

/** Releases read at once (each is a few git processes). */
const READ_CONCURRENCY = 4;

/** The statuses that make a smoke run count against its cell. */
export function smokeFailed(s: SmokeResult | undefined): boolean {
  return s !== undefined && (s.status === 'failed' || s.status === 'error' || s.status === 'timeout');
}

export async function runMatrix(core: GateCore, verticals: readonly VerticalManifest[], opts: MatrixOptions): Promise<MatrixReport> {
  const all = await localReleases(core, true);
  const listed = all.filter((r) => !r.prerelease || core.manifest.channel === 'prerelease');
  const candidate = opts.version !== null || opts.at !== null ? await resolveCandidate(core, all, opts.version, opts.at) : null;
  const past = listed.slice(0, Math.max(0, opts.last)).reverse();
  const columns: Array<Candidate & { candidate: boolean }> = past.map((r) => ({
    kind: 'tag',
    version: r.version,
    tag: r.tag,
    sha: r.sha,
    label: `tag ${r.tag}`,
    candidate: candidate !== null && candidate.kind === 'tag' && candidate.tag === r.tag,
  }));
  if (candidate !== null && !columns.some((c) => c.candidate)) columns.push({ ...candidate, candidate: true });

  const reads = await mapLimit(columns, READ_CONCURRENCY, async (c) => {
    const previous = previousRelease(c.version.prerelease.length > 0 ? all : all.filter((r) => !r.prerelease), c.version);
    const { read, info } = await readCandidate(core, c, previous);
    return { read, info, previous };
  });
  const judged = judgeReleases(
    core,
    verticals,
    columns.map((c, i) => {
      const release: Release = { tag: c.tag ?? c.label, sha: c.sha ?? '', version: c.version, prerelease: c.version.prerelease.length > 0 };
      const read: ReadResult = reads[i]!.read;
      return { release, previousVersion: reads[i]!.previous?.version.normalized ?? null, read };
    }),
  );
  const matrixColumns: MatrixColumn[] = columns.map((c, i) => ({
    version: c.version.normalized,
    kind: c.kind,
    tag: c.tag,
    sha: c.sha,
    label: c.label,
    candidate: c.candidate,
    contractsVersion: reads[i]!.info.contractsVersion,
    breakingChanges: reads[i]!.info.breakingChanges.length,
    unread: reads[i]!.info.unread,
  }));
  const rows: MatrixRow[] = verticals.map((v, r) => ({
    name: v.name,
    manifest: v.manifestPath,
    format: v.format,
    requirement: judged[0]?.[r]?.requirement ?? null,
    cells: judged.map((col) => ({ compatible: col[r]!.compatible, reasons: col[r]!.reasons })),
  }));

  if (opts.smoke) {
    const cells: SmokeCell[] = [];
    rows.forEach((_, r) => matrixColumns.forEach((column, c) => cells.push({ row: r, col: c, vertical: verticals[r]!, column })));
    const results = await runSmokeCells(core, cells, opts.smoke);
    cells.forEach((cell, i) => (rows[cell.row]!.cells[cell.col]!.smoke = results[i]!));
  }

  const candidateCol = matrixColumns.findIndex((c) => c.candidate);
  const candidateBlocked = candidateCol >= 0 && rows.some((row) => !row.cells[candidateCol]!.compatible || smokeFailed(row.cells[candidateCol]!.smoke));
  return { core: { name: core.name, path: core.path }, columns: matrixColumns, rows, smoke: Boolean(opts.smoke), candidateBlocked };
}
