/**
 * When an upgrade was refused for rollback-loop protection (ROLLBACK_LOOP): the engine's explanation, and
 * "Upgrade anyway" behind a confirmation that says what it overrides — the dashboard's `upgrade --force`.
 */
import { useId, useRef, useState } from 'react';
import type { ApiError } from '../../shared/api/types.js';
import { Dialog } from '../components/Dialog.js';
import { formatDateTime } from '../lib/format.js';

export interface RollbackLoopNoticeProps {
  project: string;
  version: string | null;
  error: ApiError;
  /** Starts the upgrade with force; resolves true once it started. */
  onForce: () => Promise<boolean>;
}

export function RollbackLoopNotice({ project, version, error, onForce }: RollbackLoopNoticeProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const details = (error.details ?? {}) as { rollbacks?: unknown; retryAfter?: unknown };
  const rollbacks = typeof details.rollbacks === 'number' ? details.rollbacks : null;
  const retryAfter = typeof details.retryAfter === 'string' ? details.retryAfter : null;
  return (
    <div className="banner banner-error" role="alert" aria-labelledby={titleId}>
      <p>
        <strong id={titleId}>Upgrades of {project} are paused after repeated automatic rollbacks.</strong>
      </p>
      <p>{error.message}</p>
      {retryAfter && <p className="muted small">Upshift will allow it again after {formatDateTime(retryAfter)}.</p>}
      <div className="actions">
        <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
          Upgrade anyway…
        </button>
      </div>
      <Dialog
        open={confirming}
        title={`Upgrade ${project} anyway?`}
        onClose={() => setConfirming(false)}
        initialFocus={cancelRef}
        role="alertdialog"
        footer={
          <>
            <button ref={cancelRef} type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                const started = await onForce();
                setBusy(false);
                if (started) setConfirming(false);
              }}
            >
              Upgrade anyway
            </button>
          </>
        }
      >
        <p>
          {rollbacks === null ? 'Recent upgrades' : `${rollbacks} recent ${rollbacks === 1 ? 'upgrade' : 'upgrades'}`} of {project} failed and{' '}
          {rollbacks === 1 ? 'was' : 'were'} rolled back within the hour, so Upshift stopped trying: its rollback-loop protection keeps a broken
          release from being installed and removed over and over.
        </p>
        <p>
          This overrides that protection for this one upgrade{version ? ` to ${version}` : ''}. Everything else stays: the same steps and smoke
          tests run, and a failure is rolled back automatically, like any other.
        </p>
      </Dialog>
    </div>
  );
}
