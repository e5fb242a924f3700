/**
 * The configuration Upshift keeps for a project outside its checkout: `$UPSHIFT_HOME/projects/<name>/upshift.yml`,
 * the same schema as the manifest in the repository (loadManifest's `config` layer). This file edits it: dotted keys,
 * values read as YAML, comments and the order of keys kept, written atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';

/** Where the project's configuration lives in the state directory. */
export function projectConfigPath(home: string, project: string): string {
  return path.join(home, 'projects', project, 'upshift.yml');
}

/** `smoke.command` → `['smoke', 'command']`; null when it is not a dotted key (empty parts, spaces, brackets). */
export function parseConfigKey(key: string): string[] | null {
  if (!/^[A-Za-z$<][A-Za-z0-9_$<>-]*(\.[A-Za-z0-9_$<>-]+)*$/.test(key)) return null;
  return key.split('.');
}

/**
 * A value given as text (`upshift config core smoke.timeoutSeconds 600`), read as YAML so numbers, true/false and
 * lists (`[data, cache]`) work; `raw` keeps the text as written, for keys that want text where YAML sees a number.
 */
export function parseConfigValue(text: string): { yaml: unknown; raw: string } {
  try {
    const doc = parseDocument(text, { uniqueKeys: true, merge: false });
    if (doc.errors.length === 0) return { yaml: doc.toJS() as unknown, raw: text };
  } catch {
    // Not YAML: the text itself.
  }
  return { yaml: text, raw: text };
}

/** The text of the configuration after setting and unsetting keys; empty sections left behind are removed. */
export function editConfigText(current: string | null, edits: { set: Array<[string[], unknown]>; unset: string[][] }): string {
  const doc: Document = current !== null && current.trim() !== '' ? parseDocument(current) : parseDocument('{}');
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  for (const segs of edits.unset) {
    doc.deleteIn(segs);
    for (let n = segs.length - 1; n > 0; n--) {
      const parent = doc.getIn(segs.slice(0, n));
      if (isMap(parent) && parent.items.length === 0) doc.deleteIn(segs.slice(0, n));
    }
  }
  for (const [segs, value] of edits.set) doc.setIn(segs, value);
  if (isMap(doc.contents) && doc.contents.items.length === 0) return '';
  if (isMap(doc.contents)) doc.contents.flow = false;
  return doc.toString({ lineWidth: 0 });
}

/** The configuration's text, or null when there is none. */
export function readConfigText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Replaces the configuration atomically (a synced temporary file renamed over it), or removes it when `text` is
 * empty. A crash leaves the old file or the new one, never half of one.
 */
export function writeConfigText(file: string, text: string): void {
  if (text === '') {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Keeps a removed project's configuration beside where it was, as `upshift.yml.removed-<time>`, so removing a
 * project loses nothing and adding another project of that name later does not inherit it. Returns the new path.
 */
export function setConfigAside(file: string, now: Date): string | null {
  if (!fs.existsSync(file)) return null;
  const aside = `${file}.removed-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  fs.renameSync(file, aside);
  return aside;
}
