/**
 * A project's channel and gates as the dashboard overrides them (issue 11 §1): "As in the manifest" names the value
 * it stands for (also for gates), choosing it removes the override — the last one too — each gate says what it
 * means where it is chosen, and a save says "Saved".
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { ProjectView, Settings } from '../../shared/api/contract.js';
import type { GateAction, JsonValue, SettingOrigin } from '../../shared/api/types.js';
import { GATE_MEANINGS } from '../lib/outcomes.js';
import { useActions } from '../store/context.js';

export type Override = Settings['projects'][string];
type GateKey = 'patch' | 'minor' | 'major' | 'prerelease';
const GATES: Array<{ key: GateKey; label: string }> = [
  { key: 'patch', label: 'Patch updates' },
  { key: 'minor', label: 'Minor updates' },
  { key: 'major', label: 'Major updates' },
  { key: 'prerelease', label: 'Prereleases' },
];
const GATE_CHOICES: Record<GateAction, string> = {
  auto: 'Auto — upgrade without asking',
  review: 'Review — show the plan first',
  manual: 'Manual — only when I start it',
  skip: 'Skip — never offer',
};

/**
 * The settings.projects patch for one project's new override. An empty override is sent as `{}`, which the service
 * reads as "remove it": leaving the project out would keep the old one (the last override could not be reset).
 */
export function withOverride(all: Settings['projects'], name: string, next: Override): Settings['projects'] {
  const copy = { ...all };
  const gates = Object.fromEntries(Object.entries(next.gates ?? {}).filter(([, v]) => v !== undefined));
  const clean: Override = {};
  if (next.channel) clean.channel = next.channel;
  if (Object.keys(gates).length > 0) clean.gates = gates;
  copy[name] = clean;
  return copy;
}

/** The value "As in the manifest" stands for: beneath an override, or the setting itself; with where it comes from. */
export function manifestValue(origin: SettingOrigin | undefined): string | null {
  if (!origin) return null;
  const base: { value: JsonValue; source: string } | undefined = origin.source === 'override' ? origin.beneath : origin;
  if (!base) return null;
  const value = String(base.value);
  return base.source === 'default' ? `default: ${value}` : base.source === 'config' ? `Upshift's configuration: ${value}` : value;
}

export function ProjectOverrides({ project, settings }: { project: ProjectView; settings: Settings }) {
  const { saveSettings, loadProjectConfig } = useActions();
  const [origins, setOrigins] = useState<SettingOrigin[] | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const channelId = useId();
  const gateBase = useId();
  const override: Override = settings.projects[project.name] ?? {};

  const reload = useCallback(async () => {
    const config = await loadProjectConfig(project.name);
    if (config) setOrigins(config.settings);
  }, [project.name, loadProjectConfig]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const origin = (key: string) => origins?.find((o) => o.key === key);
  const save = async (what: string, next: Override) => {
    setSaved(null);
    if (await saveSettings({ projects: withOverride(settings.projects, project.name, next) })) {
      setSaved(what);
      void reload();
    }
  };
  const manifestChannel = manifestValue(origin('channel'));

  return (
    <>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={channelId}>Channel</label>
          <select id={channelId} value={override.channel ?? ''} onChange={(e) => void save('Channel', { ...override, channel: (e.target.value || undefined) as Override['channel'] })}>
            <option value="">As in the manifest{manifestChannel ? ` (${manifestChannel})` : ''}</option>
            <option value="stable">Stable releases only</option>
            <option value="prerelease">Include prereleases</option>
          </select>
        </div>
        {GATES.map((g) => {
          const id = `${gateBase}-${g.key}`;
          const chosen = override.gates?.[g.key];
          const inManifest = manifestValue(origin(`gates.${g.key}`));
          const effective = (chosen ?? (origin(`gates.${g.key}`)?.source === 'override' ? origin(`gates.${g.key}`)?.beneath?.value : origin(`gates.${g.key}`)?.value)) as GateAction | undefined;
          return (
            <div className="field" key={g.key}>
              <label htmlFor={id}>{g.label}</label>
              <select
                id={id}
                value={chosen ?? ''}
                aria-describedby={`${id}-meaning`}
                onChange={(e) => void save(g.label, { ...override, gates: { ...override.gates, [g.key]: (e.target.value || undefined) as GateAction | undefined } })}
              >
                <option value="">As in the manifest{inManifest ? ` (${inManifest})` : ''}</option>
                {(Object.keys(GATE_CHOICES) as GateAction[]).map((a) => (
                  <option key={a} value={a}>
                    {GATE_CHOICES[a]}
                  </option>
                ))}
              </select>
              <span id={`${id}-meaning`} className="muted small">
                {effective && effective in GATE_MEANINGS ? GATE_MEANINGS[effective] : ''}
              </span>
            </div>
          );
        })}
      </div>
      <p className="muted small" role="status" aria-live="polite">
        {saved ? `Saved — ${saved.toLowerCase()} of ${project.name}.` : ''}
      </p>
    </>
  );
}
