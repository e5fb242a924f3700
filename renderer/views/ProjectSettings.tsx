/** One watched project in the settings: where it is, its channel and gates (overrides of the manifest), its skipped versions, Remove. */
import { useRef, useState } from 'react';
import type { ProjectView, Settings } from '../../shared/api/contract.js';
import { Dialog } from '../components/Dialog.js';
import { domId } from '../lib/format.js';
import { useActions } from '../store/context.js';
import { ProjectConfigForm } from './ProjectConfigForm.js';
import { ProjectOverrides } from './ProjectOverrides.js';
import { SkippedVersions } from './UpdateOffer.js';

export { withOverride } from './ProjectOverrides.js';

export function ProjectSettings({ project, settings }: { project: ProjectView; settings: Settings }) {
  const { removeProject } = useActions();
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = domId('settings-project', project.name);

  return (
    <section className="panel project-settings" aria-labelledby={titleId}>
      <div className="detail-title-row">
        <h3 id={titleId}>{project.name}</h3>
        <button type="button" className="button button-small button-danger-ghost" aria-describedby={titleId} onClick={() => setConfirming(true)}>
          Remove
        </button>
      </div>
      <p className="muted small">
        <code>{project.path}</code> · manifest: {project.manifest === 'none' ? 'none (defaults)' : project.manifest}
        {project.config ? ' · with Upshift\'s configuration' : ''}
        {project.core ? ` · depends on ${project.core}` : ''}
      </p>
      <ProjectOverrides project={project} settings={settings} />
      <SkippedVersions p={project} />
      <ProjectConfigForm project={project.name} />
      <Dialog
        open={confirming}
        title={`Stop watching ${project.name}?`}
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
              onClick={async () => {
                if (await removeProject(project.name)) setConfirming(false);
              }}
            >
              Remove
            </button>
          </>
        }
      >
        <p>Upshift stops checking {project.name} for new releases. The checkout itself and its history are kept; you can add it again later.</p>
      </Dialog>
    </section>
  );
}
