/**
 * `upshift config` and the dashboard's project configuration: the settings Upshift keeps for a project outside its
 * checkout (manifest/config-file.ts), checked with the manifest's own schema over the manifest in the checkout before
 * anything is written.
 */
import path from 'node:path';
import type { JsonValue, ProjectConfig, SettingOrigin } from '../../../shared/api/types.js';
import { usageError } from '../errors.js';
import { ManifestError, formatManifestIssue, loadManifest, type ManifestIssue, type ProjectManifest } from '../manifest/index.js';
import { editConfigText, parseConfigKey, parseConfigValue, projectConfigPath, readConfigText, writeConfigText } from '../manifest/config-file.js';
import { valueAt } from '../manifest/yaml-locate.js';
import type { ProjectRecord } from '../state/index.js';

/** What `upshift config <project>` shows, and what the dashboard edits. */
export type ProjectConfigView = ProjectConfig;

/** Changes to a project's configuration: values as text (read as YAML, as on the command line), keys to remove. */
export interface ConfigEdits {
  set?: Record<string, string>;
  unset?: string[];
}

function keySegments(key: string): string[] {
  const segs = parseConfigKey(key);
  if (!segs) {
    throw usageError('BAD_CONFIG_KEY', `"${key}" is not a configuration key: use the dotted keys of upshift.yml, such as smoke.command, gates.major or source.tagPattern (docs/manifest.md lists them). Nothing was written.`, { key });
  }
  return segs;
}

function load(root: string, core: string | null, file: string, text: string | null): ProjectManifest {
  return loadManifest(root, { ...(core ? { core } : {}), config: text === null ? file : { file, text } });
}

/**
 * The configuration text after `edits`, checked: the result must load over the manifest in the checkout exactly as
 * `plan` will load it. A value that YAML reads as a number or true/false where the schema wants text (`version 1.10`)
 * is taken as the text given. Throws CONFIG_INVALID naming each key and what was expected; nothing is written.
 */
export function proposeConfig(root: string, core: string | null, file: string, edits: ConfigEdits): { text: string; manifest: ProjectManifest } {
  const current = readConfigText(file);
  const sets = Object.entries(edits.set ?? {}).map(([key, text]) => ({ key, segs: keySegments(key), value: parseConfigValue(text) }));
  const unset = (edits.unset ?? []).map(keySegments);
  const asText = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    const text = editConfigText(current, { set: sets.map((s) => [s.segs, asText.has(s.key) ? s.value.raw : s.value.yaml]), unset });
    try {
      return { text, manifest: load(root, core, file, text) };
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      const wantText = sets.filter((s) => !asText.has(s.key) && typeof s.value.yaml !== 'string' && err.issues.some((i) => i.field === s.key && /^expected a string/.test(i.problem)));
      if (wantText.length > 0 && attempt < 2) {
        for (const s of wantText) asText.add(s.key);
        continue;
      }
      throw configInvalid(err, file, sets.map((s) => s.key));
    }
  }
}

function configInvalid(err: ManifestError, file: string, keys: string[]): Error {
  const describe = (i: ManifestIssue): string => (i.file === file ? `${i.field || '(the whole configuration)'}: ${i.problem}` : `${formatManifestIssue(i)} (in the checkout)`);
  const lines = err.issues.map(describe);
  const first = err.issues[0]!;
  return usageError('CONFIG_INVALID', `${lines.join('; ')}. Nothing was written (${path.basename(path.dirname(file))}'s configuration is unchanged).`, {
    key: keys.find((k) => k === first.field) ?? first.field,
    field: first.field,
    problem: first.problem,
    file,
    issues: err.issues.map((i) => ({ ...i })),
  });
}

/** The project's configuration and every setting in effect with its origin. */
export function readProjectConfig(home: string, record: ProjectRecord, manifest: ProjectManifest): ProjectConfigView {
  const file = projectConfigPath(home, record.name);
  const text = readConfigText(file);
  const values: Record<string, JsonValue> = {};
  if (text !== null) {
    // The file loaded with the manifest just now, so it parses; list its keys as the settings list names them.
    for (const o of manifest.origins ?? []) if (o.source === 'config') values[o.key] = o.value;
  }
  return { project: record.name, file, exists: text !== null, values, settings: manifest.origins ?? [] };
}

/** Applies edits to the project's configuration after checking them (see proposeConfig); returns what it now holds. */
export function editProjectConfig(home: string, record: ProjectRecord, edits: ConfigEdits): ProjectManifest {
  const file = projectConfigPath(home, record.name);
  const { text, manifest } = proposeConfig(record.path, record.core, file, edits);
  writeConfigText(file, text);
  return manifest;
}

/** One key: the value in effect and where it came from, and what the configuration itself says (undefined: not set). */
export function configEntry(view: ProjectConfigView, key: string): { key: string; value: JsonValue; source: SettingOrigin['source']; file: string | null; configured: JsonValue | null } {
  const segs = keySegments(key);
  const origin = view.settings.find((o) => o.key === key);
  const configured = view.values[key] ?? null;
  if (origin) return { ...origin, configured };
  // A key below a listed one (`health` lists as one setting), or one nobody set.
  const parent = view.settings.find((o) => key.startsWith(`${o.key}.`));
  const value = parent ? (valueAt(parent.value, segs.slice(parent.key.split('.').length)) as JsonValue | undefined) : undefined;
  return { key, value: value ?? null, source: parent?.source ?? 'default', file: parent?.file ?? null, configured };
}
