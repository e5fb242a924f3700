/**
 * A project's configuration kept by Upshift outside its checkout (the same keys as upshift.yml, overriding the
 * checkout's manifest): the common keys as fields, each with where its value comes from now. The engine checks every
 * value with the manifest's schema; a refusal is shown under the form and nothing is written.
 */
import { useEffect, useId, useState } from 'react';
import type { ApiError, ProjectConfig, SettingOrigin } from '../../shared/api/types.js';
import { useActions } from '../store/context.js';

/** The keys the form edits; the rest stay with `upshift config`. */
export const CONFIG_FIELDS: Array<{ key: string; label: string; placeholder: string }> = [
  { key: 'install', label: 'Install command', placeholder: 'npm ci' },
  { key: 'smoke.command', label: 'Smoke test command', placeholder: 'npm test' },
  { key: 'smoke.timeoutSeconds', label: 'Smoke test timeout (seconds)', placeholder: '300' },
  { key: 'source.tagPattern', label: 'Tag pattern', placeholder: 'v{version}' },
];

/** "from upshift.yml", "from Upshift's configuration", "dashboard override", "default". */
export function originText(o: SettingOrigin | undefined): string {
  if (!o || o.source === 'default') return 'default';
  if (o.source === 'override') return 'dashboard override';
  return o.source === 'config' ? "Upshift's configuration" : `from ${o.file ?? 'the manifest'}`;
}

/** What the form sends: changed fields set, emptied fields that the configuration held unset. */
export function configEdits(config: ProjectConfig, text: Record<string, string>): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const { key } of CONFIG_FIELDS) {
    const now = (text[key] ?? '').trim();
    const held = config.values[key];
    if (now === '') {
      if (held !== undefined) unset.push(key);
    } else if (held === undefined || String(held) !== now) set[key] = now;
  }
  return { set, unset };
}

function initialText(config: ProjectConfig): Record<string, string> {
  return Object.fromEntries(CONFIG_FIELDS.map(({ key }) => [key, config.values[key] === undefined || config.values[key] === null ? '' : String(config.values[key])]));
}

/** The form over a loaded configuration. */
export function ProjectConfigFields({ config, onSave }: { config: ProjectConfig; onSave: (edits: { set: Record<string, string>; unset: string[] }) => Promise<ApiError | null> }) {
  const [text, setText] = useState(() => initialText(config));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const base = useId();
  const errorId = useId();
  useEffect(() => setText(initialText(config)), [config]);
  const edits = configEdits(config, text);
  const dirty = Object.keys(edits.set).length > 0 || edits.unset.length > 0;

  return (
    <form
      className="project-config"
      // Each project has this form: its name tells the form landmarks apart (axe: landmark-unique).
      aria-label={`Upshift's configuration of ${config.project}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(await onSave(edits));
        setBusy(false);
      }}
    >
      <p className="muted small">
        Kept by Upshift in <code>{config.file}</code>, outside the checkout; these keys override its manifest. Empty: the manifest or the
        default applies.
      </p>
      <div className="field-grid">
        {CONFIG_FIELDS.map(({ key, label, placeholder }) => {
          const origin = config.settings.find((o) => o.key === key);
          const id = `${base}-${key}`;
          return (
            <div className="field" key={key}>
              <label htmlFor={id}>{label}</label>
              <input
                id={id}
                type="text"
                value={text[key] ?? ''}
                placeholder={origin && origin.value !== null && origin.source !== 'config' ? String(origin.value) : placeholder}
                onChange={(e) => setText({ ...text, [key]: e.target.value })}
                aria-invalid={error?.details?.key === key}
                aria-describedby={error ? errorId : undefined}
              />
              <p className="muted small">
                In effect: {origin && origin.value !== null ? <code>{String(origin.value)}</code> : 'none'} ({originText(origin)})
              </p>
            </div>
          );
        })}
      </div>
      {error ? (
        <p id={errorId} className="invalid" role="alert">
          {error.message}
        </p>
      ) : null}
      <button type="submit" className="button button-small" disabled={!dirty || busy}>
        Save configuration
      </button>
    </form>
  );
}

/** Loads the project's configuration and shows the form. */
export function ProjectConfigForm({ project }: { project: string }) {
  const { loadProjectConfig, saveProjectConfig } = useActions();
  const [config, setConfig] = useState<ProjectConfig | null>(null);
  useEffect(() => {
    let live = true;
    void loadProjectConfig(project).then((c) => live && setConfig(c));
    return () => {
      live = false;
    };
  }, [project, loadProjectConfig]);
  if (!config) return <p className="muted small">Reading the configuration…</p>;
  return (
    <ProjectConfigFields
      config={config}
      onSave={async (edits) => {
        const r = await saveProjectConfig(project, edits);
        if ('error' in r) return r.error;
        setConfig(r.config);
        return null;
      }}
    />
  );
}
