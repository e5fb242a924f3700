import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { MIRROR_FILE } from './failure.js';

/**
 * `$UPSHIFT_HOME/projects.json`: a small plain-JSON copy of the registered projects (name, path, core, manifest,
 * channel, settings) and the app settings, rewritten atomically whenever they change. When the database is damaged
 * and there is no backup, `upshift state restore` rebuilds the projects from it; when the backup is older than the
 * mirror, it brings the backup's project list up to date. It holds no history and no secrets (the GitHub token is
 * never in the settings).
 */
export const MIRROR_FORMAT = 'upshift-projects-mirror';

const projectSchema = z.object({
  name: z.string().min(1),
  path: z.string().min(1),
  core: z.string().nullable(),
  manifest: z.enum(['upshift.yml', 'vertical_manifest.yaml', 'none']),
  channel: z.enum(['stable', 'prerelease']),
  settings: z.record(z.string(), z.unknown()),
  addedAt: z.string(),
});

const mirrorSchema = z.object({
  format: z.literal(MIRROR_FORMAT),
  version: z.literal(1),
  writtenAt: z.string(),
  projects: z.array(projectSchema),
  settings: z.record(z.string(), z.unknown()),
});

export type MirroredProject = z.infer<typeof projectSchema>;
export type ProjectsMirror = z.infer<typeof mirrorSchema>;

/**
 * Project settings the engine keeps as caches (the current version by HEAD, the releases seen last, release facts):
 * rebuilt by the next check, possibly large, rewritten often — never mirrored. Any other key is.
 */
const CACHE_KEYS = new Set(['currentCache', 'lastReleases', 'releaseFacts']);

export function mirroredSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([k]) => !CACHE_KEYS.has(k) && !/Cache$/.test(k)));
}

export function mirrorPath(home: string): string {
  return path.join(home, MIRROR_FILE);
}

/** The mirror's content without its timestamp: two mirrors with the same key hold the same projects and settings. */
function contentKey(m: Pick<ProjectsMirror, 'projects' | 'settings'>): string {
  return JSON.stringify({ projects: m.projects, settings: m.settings });
}

/**
 * Writes the mirror unless the file already holds the same projects and settings: a temporary file beside it,
 * fsync, rename over the old one, fsync of the directory. A failure (read-only or full disk) is thrown.
 */
export function writeMirror(home: string, content: Pick<ProjectsMirror, 'projects' | 'settings'>, now: string): boolean {
  const file = mirrorPath(home);
  const current = readMirrorFile(file);
  if (current.mirror && contentKey(current.mirror) === contentKey(content)) return false;
  const doc: ProjectsMirror = { format: MIRROR_FORMAT, version: 1, writtenAt: now, projects: content.projects, settings: content.settings };
  writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
  return true;
}

export type MirrorReading = { mirror: ProjectsMirror; problem: null } | { mirror: null; problem: string };

/** The mirror at `home`, or why it cannot be used (missing, not JSON, wrong shape). */
export function readMirror(home: string): MirrorReading {
  return readMirrorFile(mirrorPath(home));
}

function readMirrorFile(file: string): MirrorReading {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { mirror: null, problem: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { mirror: null, problem: `${file} is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = mirrorSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { mirror: null, problem: `${file} is not a projects mirror: ${issue ? `${issue.path.join('.') || '(document)'}: ${issue.message}` : 'invalid'}` };
  }
  return { mirror: parsed.data, problem: null };
}

/** Writes `text` to `file` so that a reader sees either the old or the new content, whatever happens. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  syncDir(path.dirname(file));
}

/** Makes a rename in `dir` durable; some file systems refuse fsync on a directory, and the rename is atomic anyway. */
export function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
