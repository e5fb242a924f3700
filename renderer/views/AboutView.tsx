/**
 * About: which Upshift this is and where it came from (version, the commit and dirty flag baked in at build time,
 * the build date), where it is installed and keeps its state, the runtime, and its own updates.
 */
import type { AboutInfo } from '../../shared/api/about.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { SkeletonBlock } from '../components/Skeleton.js';
import { formatDateTime } from '../lib/format.js';
import { SelfUpdatePanel } from './SelfUpdatePanel.js';
import { useAbout } from './useAbout.js';
import { ViewHeading } from './ViewHeading.js';

/** "commit 1a2b3c4d5e6f (with uncommitted changes)", or why there is none. */
export function originText(build: AboutInfo['build']): string {
  if (build.commit === null) return build.builtAt ? 'built outside a git checkout: no commit recorded' : 'not a build: running from the sources';
  return `commit ${build.commit.slice(0, 12)}${build.dirty ? ' with uncommitted changes' : ''}`;
}

export function runtimeText(r: AboutInfo['runtime']): string {
  const parts = [r.electron ? `Electron ${r.electron}` : null, r.chrome ? `Chromium ${r.chrome}` : null, `Node ${r.node}`, `${r.platform} ${r.arch}`];
  return parts.filter(Boolean).join(' · ');
}

export function AboutView() {
  const { about, error, pending, act, reload } = useAbout();
  return (
    <div className="view about-view" data-about-ready={about ? 'true' : undefined}>
      <ViewHeading>About Upshift</ViewHeading>
      {error && <ErrorBanner error={error} onRetry={() => void reload()} />}
      {!about && !error && <SkeletonBlock lines={5} label="Loading…" />}
      {about && (
        <>
          <section className="panel" aria-labelledby="about-build">
            <h2 id="about-build">Upshift {about.build.version}</h2>
            <dl className="facts about-facts">
              <dt>Built from</dt>
              <dd>{originText(about.build)}</dd>
              <dt>Build date</dt>
              <dd>{about.build.builtAt ? formatDateTime(about.build.builtAt) : '—'}</dd>
              <dt>Running as</dt>
              <dd>{about.mode === 'app' ? 'the tray app' : 'browser mode (upshift serve)'}</dd>
              <dt>Runtime</dt>
              <dd>{runtimeText(about.runtime)}</dd>
              <dt>Installed at</dt>
              <dd>
                <code>{about.installPath}</code>
              </dd>
              <dt>State directory</dt>
              <dd>
                <code>{about.stateDir}</code>
              </dd>
              <dt>Update channel</dt>
              <dd>{about.selfUpdate.channel}</dd>
              <dt>Last update check</dt>
              <dd>{about.selfUpdate.lastCheckAt ? formatDateTime(about.selfUpdate.lastCheckAt) : 'never'}</dd>
            </dl>
          </section>
          <SelfUpdatePanel status={about.selfUpdate} pending={pending} act={act} />
        </>
      )}
    </div>
  );
}
