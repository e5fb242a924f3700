import { readFileSync } from 'node:fs';
import { runGit } from '../git/core.js';

/**
 * Just enough of git's config format (https://git-scm.com/docs/git-config#_syntax) to find a remote's URL and to
 * notice settings native discovery does not interpret. Keys come back lower-cased as `section.subsection.key`
 * (the subsection keeps its case, as in git). Anything this parser is unsure of makes it return null, and the
 * caller then asks git itself: a wrong guess here would reach a different remote than `git fetch` does.
 */
export type ConfigEntries = Array<[key: string, value: string | null]>;

export function parseGitConfig(text: string): ConfigEntries | null {
  const out: ConfigEntries = [];
  let section: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/\r$/, '');
    // Line continuations: a value may end in a backslash.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/\r$/, '');
    let rest = line.trimStart();
    if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue;
    if (rest.startsWith('[')) {
      const m = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(rest);
      if (!m) return null;
      const name = m[1]!.toLowerCase();
      section = m[2] !== undefined ? `${name}.${m[2].replace(/\\(.)/g, '$1')}` : name.includes('.') ? name : name;
      rest = rest.slice(m[0].length).trimStart();
      if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue;
    }
    if (section === null) return null;
    const km = /^([A-Za-z][A-Za-z0-9-]*)\s*(=?)/.exec(rest);
    if (!km) return null;
    const key = `${section}.${km[1]!.toLowerCase()}`;
    if (km[2] !== '=') {
      if (rest.slice(km[0].length).trim().replace(/^[#;].*$/, '') !== '') return null;
      out.push([key, null]);
      continue;
    }
    const value = parseValue(rest.slice(km[0].length));
    if (value === null) return null;
    out.push([key, value]);
  }
  return out;
}

function parseValue(raw: string): string | null {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (!quoted && (c === '#' || c === ';')) break;
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (c === '\\') {
      const n = raw[++i];
      const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '\\': '\\', '"': '"' };
      if (n === undefined || map[n] === undefined) return null;
      out += pendingSpace + map[n];
      pendingSpace = '';
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t')) {
      if (out !== '') pendingSpace += c;
      continue;
    }
    out += pendingSpace + c;
    pendingSpace = '';
  }
  return quoted ? null : out;
}

/** Reads and parses a config file; [] when it does not exist, null when it cannot be read or parsed. */
export function readConfigFile(file: string): ConfigEntries | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? [] : null;
  }
  return parseGitConfig(text);
}

let userConfig: Promise<ConfigEntries | null> | null = null;
let userConfigAt = 0;
/** A long-lived process (the tray app, `serve`) sees a changed ~/.gitconfig within a minute. */
const USER_CONFIG_TTL_MS = 60_000;

/**
 * The system, global and command-line-environment configuration, asked of git once per check run (`git config
 * --list`; again after a minute in a long-lived process), so GIT_CONFIG_GLOBAL, XDG paths and includes there
 * resolve exactly as git resolves them.
 */
export function userGitConfig(): Promise<ConfigEntries | null> {
  if (userConfig && Date.now() - userConfigAt > USER_CONFIG_TTL_MS) userConfig = null;
  if (!userConfig) userConfigAt = Date.now();
  userConfig ??= (async () => {
    try {
      const r = await runGit(['config', '--list', '--show-scope', '-z'], { cwd: '/', timeoutMs: 10_000 });
      // With -z: `<scope>\0<key>\n<value>\0` (`<key>\0` alone for a key without a value).
      const out: ConfigEntries = [];
      const parts = r.stdout.split('\0');
      for (let i = 0; i + 1 < parts.length; i += 2) {
        const scope = parts[i]!;
        const kv = parts[i + 1]!;
        // `command` is Upshift's own `-c` options; local and worktree scopes are read per project.
        if (scope === 'local' || scope === 'worktree' || scope === 'command') continue;
        const nl = kv.indexOf('\n');
        out.push(nl < 0 ? [lowerKey(kv), null] : [lowerKey(kv.slice(0, nl)), kv.slice(nl + 1)]);
      }
      return out;
    } catch {
      return null;
    }
  })();
  return userConfig;
}

/** `Section.Sub.Key` → `section.Sub.key`: git prints keys with the subsection's case kept. */
function lowerKey(key: string): string {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first === last) return key.toLowerCase();
  return `${key.slice(0, first).toLowerCase()}${key.slice(first, last)}${key.slice(last).toLowerCase()}`;
}

/** For tests: forget the cached user configuration. */
export function resetUserGitConfig(): void {
  userConfig = null;
}
