/**
 * "Updates of Upshift" on the About view. The tray app: the release found with its notes, and Install on quit,
 * Remind me later, Skip this version, the channel and Check now — all decided by the engine (shared/policy/
 * selfupdate.ts). Browser mode and development builds: who updates Upshift instead, and no button that would
 * pretend otherwise.
 */
import type { SelfUpdateStatus } from '../../shared/policy/selfupdate.js';
import { formatDateTime } from '../lib/format.js';
import { Markdown } from '../markdown/Markdown.js';
import type { AboutData } from './useAbout.js';

function statusLine(s: SelfUpdateStatus): string {
  switch (s.phase) {
    case 'checking':
      return 'Looking for a new Upshift…';
    case 'error':
      return `The last attempt failed: ${s.error ?? 'unknown error'}`;
    case 'downloading':
      return s.available ? `Downloading Upshift ${s.available.version}…${s.progress ? ` ${Math.floor(s.progress.percent)}%` : ''}` : 'Downloading…';
    case 'downloaded':
      return s.available ? `Upshift ${s.available.version} is downloaded.` : 'Downloaded.';
    case 'available':
      // The release's own heading below says it.
      return '';
    case 'up-to-date':
      return `Upshift ${s.current} is the newest version on the ${s.channel} channel.`;
    default:
      return s.lastCheckAt ? '' : 'Not checked yet.';
  }
}

export function SelfUpdatePanel({ status: s, pending, act }: { status: SelfUpdateStatus; pending: AboutData['pending']; act: AboutData['act'] }) {
  if (s.managed !== 'app') {
    return (
      <section className="panel" aria-labelledby="about-updates">
        <h2 id="about-updates">Updates of Upshift</h2>
        <p>{s.note}</p>
      </section>
    );
  }
  const v = s.available?.version ?? null;
  const busy = pending !== null;
  return (
    <section className="panel" aria-labelledby="about-updates">
      <h2 id="about-updates">Updates of Upshift</h2>
      <p role="status">{statusLine(s)}</p>
      {s.refused && (
        <p className="muted small">
          The update feed offered {s.refused.version}, which was not installed: {s.refused.reason}.
        </p>
      )}
      {s.available && v && (
        <div className="self-update-release">
          <h3 id="about-release">
            Upshift {v} {s.installOnQuit ? 'will be installed when you quit' : 'is available'}
          </h3>
          {s.available.releaseDate && <p className="muted small">Released {formatDateTime(s.available.releaseDate)}</p>}
          {s.offer === 'skipped' && <p>You skipped this version: it is not offered again.</p>}
          {s.offer === 'remind-later' && s.remindUntil && <p>You asked to be reminded: it is offered again after {formatDateTime(s.remindUntil)}.</p>}
          {s.available.notes ? <Markdown source={s.available.notes} headingOffset={3} className="release-notes" /> : <p className="muted">This release has no notes.</p>}
          {s.phase === 'downloading' && s.progress && <progress max={100} value={s.progress.percent} aria-label={`Downloading Upshift ${v}`} />}
          <div className="actions">
            {s.installOnQuit ? (
              <button type="button" className="button" disabled={busy} onClick={() => void act({ action: 'cancel-install-on-quit' })}>
                Do not install {v} on quit
              </button>
            ) : s.offer === 'skipped' ? (
              <button type="button" className="button" disabled={busy} onClick={() => void act({ action: 'unskip', version: v })}>
                Offer {v} again
              </button>
            ) : (
              <>
                <button type="button" className="button button-primary" disabled={busy} onClick={() => void act({ action: 'install-on-quit', version: v })}>
                  {pending === 'install-on-quit' ? 'Starting the download…' : `Install ${v} on quit`}
                </button>
                {s.offer === 'offer' && (
                  <button type="button" className="button" disabled={busy} onClick={() => void act({ action: 'remind-later', version: v })}>
                    Remind me later
                  </button>
                )}
                <button type="button" className="button button-ghost" disabled={busy} onClick={() => void act({ action: 'skip', version: v })}>
                  Skip this version
                </button>
              </>
            )}
          </div>
        </div>
      )}
      <div className="actions">
        <label>
          Update channel{' '}
          <select value={s.channel} disabled={busy} onChange={(e) => void act({ action: 'set-channel', channel: e.target.value === 'beta' ? 'beta' : 'stable' })}>
            <option value="stable">Stable</option>
            <option value="beta">Beta (prereleases)</option>
          </select>
        </label>
        <button type="button" className="button" disabled={busy || s.phase === 'checking'} onClick={() => void act({ action: 'check' })}>
          {pending === 'check' || s.phase === 'checking' ? 'Checking…' : 'Check for updates'}
        </button>
      </div>
    </section>
  );
}
