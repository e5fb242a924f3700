/** One watched project in the settings: where it is, its channel and gates (overrides of the manifest), Remove. */
import { useId, useRef, useState } from 'react';
import type { ProjectView, Settings } from '../../shared/api/contract.js';
import type { GateAction } from '../../shared/api/types.js';
import { Dialog } from '../components/Dialog.js';
import { domId } from '../lib/format.js';
import { useActions } from '../store/context.js';
import { ProjectConfigForm } from './ProjectConfigForm.js';

type Override = Settings['projects'][string];
type GateKey = 'patch' | 'minor' | 'major' | 'prerelease';
const GATES: Array<{ key: GateKey; label: string }> = [
  { key: 'patch', label: 'Patch updates' },
  { key: 'minor', label: 'Minor updates' },
  { key: 'major', label: 'Major updates' },
  { key: 'prerelease', label: 'Prereleases' },
];
const GATE_LABELS: Record<GateAction, string> = {
  auto: 'Auto — upgrade without asking',
  review: 'Review — show the plan first',
  manual: 'Manual — only when I start it',
  skip: 'Skip — never offer',
};

/** The settings.projects record with one project's override replaced; empty overrides are dropped. */
export function withOverride(all: Settings['projects'], name: string, next: Override): Settings['projects'] {
  const copy = { ...all };
  const gates = Object.fromEntries(Object.entries(next.gates ?? {}).filter(([, v]) => v !== undefined));
  const clean: Override = {};
  if (next.channel) clean.channel = next.channel;
  if (Object.keys(gates).length > 0) clean.gates = gates;
  if (Object.keys(clean).length === 0) delete copy[name];
  else copy[name] = clean;
  return copy;
}

export function ProjectSettings({ project, settings }: { project: ProjectView; settings: Settings }) {
  const { saveSettings, removeProject } = useActions();
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = domId('settings-project', project.name);
  const channelId = useId();
  const gateBase = useId();
  const override: Override = settings.projects[project.name] ?? {};

  const save = (next: Override) => void saveSettings({ projects: withOverride(settings.projects, project.name, next) });

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
      <div className="field-grid">
        <div className="field">
          <label htmlFor={channelId}>Channel</label>
          <select
            id={channelId}
            value={override.channel ?? ''}
            onChange={(e) => save({ ...override, channel: (e.target.value || undefined) as Override['channel'] })}
          >
            <option value="">As in the manifest ({project.channel})</option>
            <option value="stable">Stable releases only</option>
            <option value="prerelease">Include prereleases</option>
          </select>
        </div>
        {GATES.map((g) => (
          <div className="field" key={g.key}>
            <label htmlFor={`${gateBase}-${g.key}`}>{g.label}</label>
            <select
              id={`${gateBase}-${g.key}`}
              value={override.gates?.[g.key] ?? ''}
              onChange={(e) => save({ ...override, gates: { ...override.gates, [g.key]: (e.target.value || undefined) as GateAction | undefined } })}
            >
              <option value="">As in the manifest</option>
              {(Object.keys(GATE_LABELS) as GateAction[]).map((a) => (
                <option key={a} value={a}>
                  {GATE_LABELS[a]}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
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
