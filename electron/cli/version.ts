import path from 'node:path';
import type { BuildInfo } from '../../shared/api/about.js';
import { currentBuild } from '../core/about/index.js';

// Replaced with package.json's version when build/postbuild.mjs bundles the CLI (esbuild `define`).
declare const __UPSHIFT_VERSION__: string | undefined;

/** `upshift --version`'s first line: package.json's version, bundled into dist/upshift.mjs. */
export function upshiftVersion(): string {
  if (typeof __UPSHIFT_VERSION__ === 'string') return __UPSHIFT_VERSION__;
  return currentBuild().version;
}

/** `upshift --version --json`. */
export interface VersionDocument extends BuildInfo {
  node: string;
  platform: string;
  arch: string;
  /** The folder of the running CLI bundle. */
  installPath: string;
}

export function versionDocument(): VersionDocument {
  const script = process.argv[1];
  return {
    ...currentBuild(),
    version: upshiftVersion(),
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    installPath: script ? path.dirname(path.resolve(script)) : process.cwd(),
  };
}

/** Where a build came from, in one line: the About view says the same. */
export function originLine(b: Pick<BuildInfo, 'commit' | 'dirty' | 'builtAt'>): string {
  const when = b.builtAt ? `built ${b.builtAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')}` : null;
  if (b.commit === null) return when ? `${when}, outside a git checkout (no commit recorded)` : 'not a build: running from the sources';
  const commit = `commit ${b.commit.slice(0, 12)}${b.dirty ? ' with uncommitted changes' : ''}`;
  return when ? `${commit}, ${when}` : commit;
}

export function versionText(doc: VersionDocument): string {
  return [`upshift ${doc.version}`, originLine(doc), `node ${doc.node}, ${doc.platform} ${doc.arch}`, `installed at ${doc.installPath}`].join('\n');
}
