/**
 * The verticals Upshift already watches for a core: the projects added with `--core <core>` or whose manifest
 * requires it — what `upshift ci --core <project>` judges when no `--verticals` are given.
 */
import type { ProjectContext } from '../engine/projects.js';
import type { VerticalManifest } from './verticals.js';

export function watchedVerticals(coreName: string, contexts: readonly ProjectContext[]): VerticalManifest[] {
  return contexts
    .filter((ctx) => ctx.record.name !== coreName && (ctx.core === coreName || ctx.manifest.requires[coreName] !== undefined))
    .map((ctx) => ({
      name: ctx.record.name,
      root: ctx.record.path,
      manifestPath: ctx.manifest.filePath ?? ctx.manifest.config ?? ctx.record.path,
      format: ctx.manifest.file ?? 'none',
      manifest: ctx.manifest,
    }));
}
