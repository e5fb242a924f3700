import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Release } from '../../../shared/version/index.js';
import { UpshiftError } from '../errors.js';
import type { ArtifactLocation } from '../executor/artifact-driver.js';
import { fillAssetPattern } from '../kinds/artifact-layout.js';
import { downloadUrlProblem } from '../manifest/schema.js';
import { folderReleaseDir } from '../source/folder.js';
import type { ReleaseSource } from '../source/types.js';
import type { ProjectContext } from './projects.js';
import { sourceProjectOf } from './source-project.js';

export interface LocatedArtifact {
  asset: string;
  checksums: string;
  location: ArtifactLocation;
}

/**
 * Where the chosen release's asset and checksum file are: files of the offline release folder, assets the GitHub
 * release lists, or URLs under `artifact.baseUrl`. A missing asset is an error listing what the release does have.
 */
export async function locateArtifact(ctx: ProjectContext, source: ReleaseSource, release: Release, signal?: AbortSignal): Promise<LocatedArtifact> {
  const m = ctx.manifest;
  const a = m.artifact!;
  const names = { version: release.version.normalized, tag: release.tag };
  const asset = fillAssetPattern(a.asset, names);
  const checksums = fillAssetPattern(a.checksums, names);
  if (m.source.type === 'folder') {
    const dir = await folderReleaseDir(m.source.path!, release);
    const file = path.join(dir, asset);
    const checksumsFile = path.join(dir, checksums);
    for (const [what, f] of [['asset', file], ['checksum file', checksumsFile]] as const) {
      if (!existsSync(f)) {
        const has = safeList(dir);
        throw new UpshiftError('ASSET_NOT_FOUND', `The ${what} ${path.basename(f)} of ${release.tag} is not in ${dir} (it holds ${has.length ? has.join(', ') : 'nothing'}). Check artifact.${what === 'asset' ? 'asset' : 'checksums'}. Nothing was changed.`, {
          category: 'usage',
        });
      }
    }
    return { asset, checksums, location: { file, checksumsFile } };
  }
  if (m.source.type === 'github') {
    const listed = source.releaseAssets ? await source.releaseAssets(sourceProjectOf(ctx), release, signal) : null;
    if (!listed) throw new UpshiftError('ASSET_NOT_FOUND', `The GitHub release ${release.tag} of ${m.source.repo} could not be found to list its assets. Nothing was changed.`);
    const find = (name: string, key: string) => {
      const hit = listed.find((x) => x.name === name);
      if (!hit) {
        throw new UpshiftError(
          'ASSET_NOT_FOUND',
          `The GitHub release ${release.tag} of ${m.source.repo} has no asset named ${name} (it has ${listed.length ? listed.map((x) => x.name).join(', ') : 'none'}). Check artifact.${key}. Nothing was changed.`,
          { category: 'usage' },
        );
      }
      const problem = downloadUrlProblem(hit.url);
      if (problem) throw new UpshiftError('BAD_ASSET_URL', `The asset ${name} of ${release.tag} is served from ${hit.url}, which ${problem}. Nothing was changed.`);
      return hit.url;
    };
    return { asset, checksums, location: { url: find(asset, 'asset'), checksumsUrl: find(checksums, 'checksums') } };
  }
  const base = fillAssetPattern(a.baseUrl!, names);
  const dir = base.endsWith('/') ? base : `${base}/`;
  return { asset, checksums, location: { url: new URL(encodeURIComponent(asset), dir).href, checksumsUrl: new URL(encodeURIComponent(checksums), dir).href } };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).slice(0, 20);
  } catch {
    return [];
  }
}
