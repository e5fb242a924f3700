/**
 * What the scheduler keeps in the state directory: the global automation settings (the settings table's `automation`
 * key, written by `upshift policy`), the approval queue of shared/policy/approvals.ts (the `approvals` table, one JSON
 * record per row) and when the scheduler last evaluated (to tell a missed window).
 */
import { automationSettingsSchema } from '../../../shared/api/automation.js';
import type { Approval, ApprovalQueue, AutomationConfig } from '../../../shared/policy/index.js';
import { usageError } from '../errors.js';
import type { StateStore } from '../state/store.js';

export const AUTOMATION_KEY = 'automation';
const LAST_EVALUATED_KEY = 'automation.lastEvaluatedAt';

export interface AutomationSettingsRead {
  settings: AutomationConfig;
  /** The stored settings do not parse (written by a newer Upshift, or by hand): unattended upgrades are off. */
  problem: string | null;
}

/** The global settings; invalid ones count as `enabled: false` (the safe side) and say why. */
export function readAutomationSettings(store: StateStore): AutomationSettingsRead {
  const raw = store.getSettings()[AUTOMATION_KEY];
  if (raw === undefined || raw === null) return { settings: {}, problem: null };
  const parsed = automationSettingsSchema.safeParse(raw);
  if (parsed.success) return { settings: parsed.data, problem: null };
  const issue = parsed.error.issues[0];
  const where = issue ? `automation.${issue.path.join('.')}` : 'automation';
  return { settings: { enabled: false }, problem: `the global automation settings are invalid (${where}: ${issue?.message ?? 'unreadable'}), so nothing upgrades unattended — fix them with \`upshift policy\`` };
}

/** Validates and writes the whole `automation` value; CONFIG_INVALID names the key and nothing is written. */
export function writeAutomationSettings(store: StateStore, value: unknown): AutomationConfig {
  const parsed = automationSettingsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = ['automation', ...issue.path].join('.');
    throw usageError('CONFIG_INVALID', `${key}: ${issue.message}. Nothing was written.`, { key });
  }
  store.setSettings({ [AUTOMATION_KEY]: value });
  return parsed.data;
}

export function lastEvaluatedAt(store: StateStore): Date | null {
  const v = store.getSettings()[LAST_EVALUATED_KEY];
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null;
}

export function setLastEvaluatedAt(store: StateStore, at: Date): void {
  store.setSettings({ [LAST_EVALUATED_KEY]: at.toISOString() });
}

interface ApprovalRow {
  record: string;
}

/** The approval queue in SQLite. Every change is a read-modify-write inside one IMMEDIATE transaction. */
export class ApprovalStore {
  constructor(private readonly store: StateStore) {}

  list(): Approval[] {
    const rows = this.store.database.prepare('SELECT record FROM approvals ORDER BY seq').all() as ApprovalRow[];
    return rows.flatMap((r) => {
      try {
        return [JSON.parse(r.record) as Approval];
      } catch {
        return [];
      }
    });
  }

  /** Changes when a decision or a reconciliation changed any record (the rows' write times left out). */
  signature(): string {
    const row = this.store.database.prepare("SELECT IFNULL(group_concat(record, char(0)), '') AS s FROM (SELECT record FROM approvals ORDER BY seq)").get() as { s: string };
    return row.s;
  }

  /**
   * Applies `fn` to the queue and stores what it returns, atomically against other processes (the CLI approving while
   * the daemon reconciles). `fn` may return a value beside the queue.
   */
  update<T>(fn: (queue: ApprovalQueue) => { queue: readonly Approval[]; value: T }): T {
    const db = this.store.database;
    const now = this.store.now();
    return db
      .transaction((): T => {
        const { queue, value } = fn(this.list());
        db.prepare('DELETE FROM approvals').run();
        const insert = db.prepare('INSERT INTO approvals (project, version, commit_sha, state, record, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
        for (const a of queue) insert.run(a.project, a.version, a.commit, a.state, JSON.stringify(a), now);
        return value;
      })
      .immediate();
  }
}
