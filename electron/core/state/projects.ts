import type { Channel, ProjectInfo } from '../../../shared/api/types.js';
import { UpshiftError, usageError } from '../errors.js';
import { parseJsonObject, type StoreContext } from './internal.js';

export type ManifestKind = ProjectInfo['manifest'];

/** A registered project: the public ProjectInfo plus its free-form settings. */
export interface ProjectRecord extends ProjectInfo {
  settings: Record<string, unknown>;
}

export interface NewProject {
  name: string;
  path: string;
  core?: string | null;
  manifest?: ManifestKind;
  channel?: Channel;
  settings?: Record<string, unknown>;
  addedAt?: string;
}

/** What updateProject may change; the name is the project's identity and does not change. */
export interface ProjectPatch {
  path?: string;
  core?: string | null;
  manifest?: ManifestKind;
  channel?: Channel;
  settings?: Record<string, unknown>;
}

interface ProjectRow {
  name: string;
  path: string;
  core: string | null;
  manifest: string;
  channel: string;
  settings: string;
  added_at: string;
}

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    name: row.name,
    path: row.path,
    core: row.core,
    manifest: row.manifest as ManifestKind,
    channel: row.channel as Channel,
    addedAt: row.added_at,
    settings: parseJsonObject(row.settings),
  };
}

const COLUMNS = 'name, path, core, manifest, channel, settings, added_at';

export class ProjectsRepo {
  constructor(private readonly ctx: StoreContext) {}

  add(input: NewProject): ProjectRecord {
    if (!input.name.trim()) throw usageError('BAD_PROJECT_NAME', 'A project needs a non-empty name.');
    const row: ProjectRow = {
      name: input.name,
      path: input.path,
      core: input.core ?? null,
      manifest: input.manifest ?? 'none',
      channel: input.channel ?? 'stable',
      settings: JSON.stringify(input.settings ?? {}),
      added_at: input.addedAt ?? this.ctx.now(),
    };
    const insert = this.ctx.db.transaction(() => {
      const byName = this.get(row.name);
      if (byName) throw usageError('PROJECT_EXISTS', `A project named "${row.name}" is already registered (at ${byName.path}).`, { name: row.name, path: byName.path });
      const byPath = this.getByPath(row.path);
      if (byPath) throw usageError('PROJECT_PATH_EXISTS', `${row.path} is already registered as project "${byPath.name}".`, { name: byPath.name, path: row.path });
      this.ctx.stmts
        .get(`INSERT INTO projects (${COLUMNS}) VALUES (@name, @path, @core, @manifest, @channel, @settings, @added_at)`)
        .run(row);
    });
    insert.immediate();
    return toRecord(row);
  }

  get(name: string): ProjectRecord | null {
    const row = this.ctx.stmts.get(`SELECT ${COLUMNS} FROM projects WHERE name = ?`).get(name) as ProjectRow | undefined;
    return row ? toRecord(row) : null;
  }

  getByPath(path: string): ProjectRecord | null {
    const row = this.ctx.stmts.get(`SELECT ${COLUMNS} FROM projects WHERE path = ?`).get(path) as ProjectRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): ProjectRecord[] {
    const rows = this.ctx.stmts.get(`SELECT ${COLUMNS} FROM projects ORDER BY name COLLATE NOCASE, name`).all() as ProjectRow[];
    return rows.map(toRecord);
  }

  update(name: string, patch: ProjectPatch): ProjectRecord {
    const run = this.ctx.db.transaction((): ProjectRecord => {
      const current = this.get(name);
      if (!current) throw usageError('UNKNOWN_PROJECT', `No project named "${name}" is registered.`, { name });
      if (patch.path !== undefined && patch.path !== current.path) {
        const other = this.getByPath(patch.path);
        if (other) throw usageError('PROJECT_PATH_EXISTS', `${patch.path} is already registered as project "${other.name}".`, { name: other.name, path: patch.path });
      }
      const next: ProjectRecord = {
        ...current,
        ...(patch.path !== undefined ? { path: patch.path } : {}),
        ...(patch.core !== undefined ? { core: patch.core } : {}),
        ...(patch.manifest !== undefined ? { manifest: patch.manifest } : {}),
        ...(patch.channel !== undefined ? { channel: patch.channel } : {}),
        ...(patch.settings !== undefined ? { settings: patch.settings } : {}),
      };
      this.ctx.stmts
        .get('UPDATE projects SET path = @path, core = @core, manifest = @manifest, channel = @channel, settings = @settings WHERE name = @name')
        .run({ name, path: next.path, core: next.core, manifest: next.manifest, channel: next.channel, settings: JSON.stringify(next.settings) });
      return next;
    });
    return run.immediate();
  }

  /**
   * Forgets a project (and its cached check). Its operation history is kept. Refused while an operation on it
   * is running. Returns false when there was no such project.
   */
  remove(name: string): boolean {
    const run = this.ctx.db.transaction((): boolean => {
      const running = this.ctx.stmts
        .get(`SELECT id FROM operations WHERE project = ? AND status = 'running' LIMIT 1`)
        .get(name) as { id: string } | undefined;
      if (running) {
        throw new UpshiftError('OPERATION_IN_PROGRESS', `Project "${name}" has an operation in progress (${running.id}); wait for it or recover it before removing the project.`, {
          category: 'blocked',
          details: { name, operationId: running.id },
        });
      }
      return this.ctx.stmts.get('DELETE FROM projects WHERE name = ?').run(name).changes > 0;
    });
    return run.immediate();
  }
}
