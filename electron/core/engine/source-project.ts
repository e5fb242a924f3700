import type { ReleaseSourceProject } from '../source/types.js';
import type { ProjectContext } from './projects.js';

/**
 * What the release source is told about a project: its checkout, remote, pattern, channel, and its GitHub
 * repository or release folder.
 */
export function sourceProjectOf(ctx: ProjectContext, channel = ctx.manifest.channel): ReleaseSourceProject {
  const s = ctx.manifest.source;
  return {
    name: ctx.record.name,
    path: ctx.record.path,
    // A project that is not a checkout (kind artifact or command) names the repository itself.
    remote: s.url ?? s.remote,
    tagPattern: ctx.pattern,
    channel,
    ...(s.type === 'github' && s.repo ? { github: { repo: s.repo, ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) } } : {}),
    ...(s.type === 'folder' && s.path ? { folder: { path: s.path } } : {}),
    routed: true,
  };
}
