/**
 * "Skip this version", "Skip this major" and taking a skip back (issue 11 §1; Sparkle separates the first two). A
 * slice of the store's actions: every skip's toast carries Undo, which un-skips exactly what was skipped.
 */
import type { UpshiftApi } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import { describeSkip, majorSkip } from '../../shared/policy/skips.js';
import { upsertProject } from './reducers.js';
import type { DataState, Toast } from './types.js';

export interface SkipActions {
  /** Skips one version (`scope: 'version'`) or every release of its major (`'major'`); the toast offers Undo. */
  skipVersion(project: string, version: string, scope?: 'version' | 'major'): Promise<boolean>;
  /** Takes back a skip: a version (`1.2.0`) or a major line (`2.x`). */
  unskipVersion(project: string, entry: string): Promise<boolean>;
}

interface SliceDeps {
  api: Pick<UpshiftApi, 'skipVersion' | 'unskipVersion'>;
  set: (fn: (s: DataState) => Partial<DataState>) => void;
  toast: (toast: Omit<Toast, 'id'> & { id?: string }) => void;
  fail: (title: string, e: unknown) => ApiError;
}

export function skipActions({ api, set, toast, fail }: SliceDeps): SkipActions {
  const actions: SkipActions = {
    async skipVersion(project, version, scope = 'version') {
      try {
        const view = await api.skipVersion({ project, version, scope });
        set((s) => ({ app: upsertProject(s.app, view) }));
        const entry = scope === 'major' ? (majorSkip(version) ?? version) : version;
        toast({
          kind: 'info',
          title: scope === 'major' ? `Skipped ${describeSkip(entry)} of ${project}` : `Skipped ${project} ${version}`,
          body: scope === 'major' ? `You will not be offered or notified about ${describeSkip(entry)} again.` : 'You will not be offered or notified about this version again.',
          action: { label: 'Undo', run: () => void actions.unskipVersion(project, entry) },
        });
        return true;
      } catch (e) {
        fail(`Could not skip ${version}`, e);
        return false;
      }
    },

    async unskipVersion(project, entry) {
      try {
        const view = await api.unskipVersion({ project, version: entry });
        set((s) => ({ app: upsertProject(s.app, view) }));
        toast({ kind: 'info', title: `${project}: ${describeSkip(entry)} is offered again` });
        return true;
      } catch (e) {
        fail(`Could not take back the skip of ${entry}`, e);
        return false;
      }
    },
  };
  return actions;
}
