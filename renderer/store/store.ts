/**
 * The dashboard's one store (zustand): the engine's state, the plan being looked at, operations followed live,
 * the history pages, toasts. Events from the engine flow through reducers.ts; every method call goes through the
 * transport chosen at start.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MethodOutputs, Settings } from '../../shared/api/contract.js';
import type { ApiError, ProjectConfig } from '../../shared/api/types.js';
import type { Approval } from '../../shared/policy/index.js';
import { toApiError } from '../transport/errors.js';
import type { ConnectionChange, Transport } from '../transport/types.js';
import { EMPTY_FILTERS, PAGE_SIZE, applyHistoryPage, buildHistoryQuery, missingPages, resetHistory } from './history.js';
import { applyOperation, emptyLive, pushToast, reduceEvent, removeProjectView, seedLogs, unknownOperation, upsertProject } from './reducers.js';
import type { DataState, HistoryFilters, Toast } from './types.js';
import { skipActions, type SkipActions } from './skips.js';
import { nothingNewMessage } from './check-summary.js';
import type { UpshiftEvent } from '../../shared/api/contract.js';

export interface StartUpgradeOptions {
  stash?: boolean;
  keepOnConflict?: boolean;
  force?: boolean;
  confirmManual?: boolean;
}

export interface Actions extends SkipActions {
  init(): Promise<void>;
  refresh(): Promise<void>;
  handleEvent(event: UpshiftEvent): void;
  handleConnection(change: ConnectionChange): void;
  checkNow(): Promise<void>;
  loadPlan(project: string, to: string | null): Promise<void>;
  /**
   * Starts an upgrade. A ROLLBACK_LOOP refusal is kept in `upgradeRefused` (the Plan view explains it and offers
   * "Upgrade anyway") instead of a toast; `force` overrides that protection. `confirmManual`: the user confirmed `to`,
   * gated manual, as their explicit choice (the service refuses a manual-gated target without it).
   */
  /**
   * Starts an upgrade. `stash` sets uncommitted work aside; `keepOnConflict` keeps the new version when that work then
   * does not apply on it; `force` overrides rollback-loop protection; `confirmManual` is the explicit choice a manual
   * gate needs (sent only with a version).
   */
  startUpgrade(project: string, to: string | null, opts?: StartUpgradeOptions): Promise<string | null>;
  cancelOperation(id: string): Promise<void>;
  followOperation(id: string): Promise<void>;
  snooze(project: string, version: string, minutes: number): Promise<boolean>;
  setHistoryFilters(filters: Partial<HistoryFilters>): void;
  ensureHistoryRange(start: number, end: number): void;
  /** The History view opened: first page on the first visit, a refresh of what is on screen afterwards. */
  openHistory(): void;
  refreshHistory(): void;
  selectOperation(id: string | null): Promise<void>;
  rollback(project: string, to: string, stash: boolean): Promise<string | null>;
  validateProject(path: string): Promise<MethodOutputs['validateProject']>;
  addProject(input: { path: string; name?: string; core?: string }): Promise<boolean>;
  removeProject(name: string): Promise<boolean>;
  saveSettings(patch: Partial<Settings>): Promise<boolean>;
  pauseChecks(paused: boolean): Promise<void>;
  loadGithubToken(): Promise<void>;
  /** Saves the token in the app's keychain; false (with a toast) when refused. */
  saveGithubToken(token: string): Promise<boolean>;
  removeGithubToken(): Promise<boolean>;
  /** Reads the approval queue (the Updates view asks once it shows a review-gated update; calls made while a read is in flight share it); later changes follow events. */
  loadApprovals(): Promise<void>;
  /** Approves a release behind a `review` gate, to upgrade `now` or in the `next-window`; false (with a toast) when refused. */
  approveUpdate(project: string, version: string, when: 'now' | 'next-window'): Promise<boolean>;
  /** Rejects a release: it never upgrades unattended. False (with a toast) when refused. */
  rejectUpdate(project: string, version: string): Promise<boolean>;
  /** Trusts where a moved release tag points now (`upshift trust accept`); false (with a toast) when refused. */
  acceptTag(project: string, tag: string): Promise<boolean>;
  /** Upshift's configuration for a project (outside its checkout) and where each setting comes from; null on failure (toast). */
  loadProjectConfig(project: string): Promise<ProjectConfig | null>;
  /** Sets and removes keys; the engine checks them first. The new configuration, or the refusal (nothing was written). */
  saveProjectConfig(project: string, edits: { set?: Record<string, string>; unset?: string[] }): Promise<{ config: ProjectConfig } | { error: ApiError }>;
  toast(toast: Omit<Toast, 'id'> & { id?: string }): void;
  dismissToast(id: string): void;
}

export type AppStore = DataState & { actions: Actions; transport: Transport };

/** The server no longer knows this browser: restarted (SESSION_EXPIRED), or no session/token at all. */
function isSessionLost(code: string): boolean {
  return code === 'UNAUTHORIZED' || code === 'SESSION_EXPIRED';
}

/** The queue with this release's record replaced by the decision just made (the event's re-read confirms it). */
function withApproval(queue: readonly Approval[] | null, approval: Approval): Approval[] {
  const same = (a: Approval) => a.project === approval.project && a.version === approval.version && a.commit === approval.commit;
  return [...(queue ?? []).filter((a) => !same(a)), approval];
}

export function initialData(): DataState {
  return {
    app: null,
    load: { status: 'idle', error: null },
    checking: false,
    connection: 'connecting',
    authLost: false,
    plan: { project: null, to: null, status: 'idle', plan: null, error: null },
    operations: {},
    activeByProject: {},
    history: {
      filters: EMPTY_FILTERS,
      total: null,
      pages: {},
      loading: {},
      error: null,
      generation: 0,
      selectedId: null,
      detail: { status: 'idle', data: null, error: null },
    },
    toasts: [],
    upgradeRefused: null,
    githubToken: { status: null, error: null },
    approvals: null,
  };
}

export interface StoreOptions {
  /** Starting data (tests, and server-side rendering of views in tests). */
  initial?: Partial<DataState>;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (h: unknown) => void;
}

export function createAppStore(transport: Transport, opts: StoreOptions = {}): StoreApi<AppStore> {
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
  const api = transport.api;
  let planSeq = 0;
  let toastSeq = 0;
  let historyTimer: unknown = null;
  let visible: [number, number] = [0, PAGE_SIZE - 1];
  let unsubscribe: (() => void) | null = null;
  let historyOpened = false;
  let probing = false;
  let approvalsWanted = false;
  /** The listApprovals in flight: every row that shows a review gate asks on mount, and they share one request. */
  let approvalsInFlight: Promise<void> | null = null;
  /** An event said the queue changed while a read was in flight: read again once it is done. */
  let approvalsStale = false;

  return createStore<AppStore>()((set, get) => {
    const fail = (title: string, e: unknown): ApiError => {
      const error = toApiError(e);
      actions.toast({ kind: 'error', title, body: error.message });
      return error;
    };

    const loadPage = async (page: number): Promise<void> => {
      const h = get().history;
      const generation = h.generation;
      set({ history: { ...h, loading: { ...h.loading, [page]: true } } });
      try {
        const res = await api.queryHistory(buildHistoryQuery(h.filters, page * PAGE_SIZE, PAGE_SIZE));
        set((s) => ({ history: applyHistoryPage(s.history, generation, page, res.operations, res.total) }));
      } catch (e) {
        set((s) => {
          if (s.history.generation !== generation) return {};
          const loading = { ...s.history.loading };
          delete loading[page];
          return { history: { ...s.history, loading, error: toApiError(e) } };
        });
      }
    };

    const readApprovals = (): Promise<void> => {
      if (approvalsInFlight) return approvalsInFlight;
      approvalsInFlight = (async () => {
        try {
          const { approvals } = await api.listApprovals({});
          set({ approvals });
        } catch {
          // Kept as it was: the buttons still work (the service reconciles before deciding); the next event retries.
        }
      })().finally(() => {
        approvalsInFlight = null;
        if (approvalsStale) {
          approvalsStale = false;
          void readApprovals();
        }
      });
      return approvalsInFlight;
    };
    /** After approvals-changed or a reconnect: a fresh read, after the one in flight if any (its answer may predate the change). */
    const rereadApprovals = () => {
      if (!approvalsWanted) return;
      if (approvalsInFlight) approvalsStale = true;
      else void readApprovals();
    };

    const scheduleHistoryRefresh = () => {
      if (historyTimer !== null) clearTimer(historyTimer);
      historyTimer = setTimer(() => {
        historyTimer = null;
        actions.refreshHistory();
      }, 300);
    };

    const refreshDetailIf = (id: string) => {
      const h = get().history;
      if (h.selectedId === id) void actions.selectOperation(id);
    };

    const actions: Actions = {
      ...skipActions({ api, set, toast: (t) => actions.toast(t), fail }),
      async init() {
        if (!unsubscribe) {
          const offEvents = api.subscribe((e) => actions.handleEvent(e));
          const offConnection = transport.onConnection((c) => actions.handleConnection(c));
          unsubscribe = () => {
            offEvents();
            offConnection();
          };
        }
        await actions.refresh();
        for (const p of get().app?.projects ?? []) {
          if (p.operationInProgress) void actions.followOperation(p.operationInProgress.id);
        }
      },

      async refresh() {
        set((s) => ({ load: { status: s.app ? 'ready' : 'loading', error: null } }));
        try {
          const app = await api.getState({});
          // Retry after a restart, once a new session exists: the event stream need not wait out its backoff.
          if (get().authLost) transport.reconnect?.();
          set({ app, load: { status: 'ready', error: null }, authLost: false });
        } catch (e) {
          const error = toApiError(e);
          set((s) => ({ load: { status: s.app ? 'ready' : 'error', error }, ...(s.app && isSessionLost(error.code) ? { authLost: true } : {}) }));
          // A lost session has its own banner with Retry; a toast would say it twice.
          if (get().app && !isSessionLost(error.code)) actions.toast({ kind: 'error', title: 'Could not refresh', body: error.message });
        }
      },

      handleEvent(event) {
        const before = get();
        set((s) => reduceEvent(s, event, now()));
        const missing = unknownOperation(before, event);
        if (missing && !before.operations[missing]) void actions.followOperation(missing);
        if (event.type === 'history-changed' || event.type === 'operation-started' || event.type === 'operation-finished') {
          scheduleHistoryRefresh();
        }
        if (event.type === 'approvals-changed') rereadApprovals();
        if (event.type === 'operation-finished') {
          const op = event.operation;
          refreshDetailIf(op.id);
          if (before.activeByProject[op.project] === op.id && before.operations[op.id]?.operation?.status === 'running') {
            const verb = op.kind === 'rollback' ? 'Rollback of' : op.kind === 'recovery' ? 'Recovery of' : 'Upgrade of';
            if (op.status === 'succeeded') {
              actions.toast({ kind: 'success', title: `${verb} ${op.project} succeeded`, body: op.to.version ? `Now on ${op.to.version}.` : undefined });
            } else {
              actions.toast({ kind: 'error', title: `${verb} ${op.project}: ${op.status.replace('_', ' ')}`, body: op.error ?? undefined });
            }
          }
        }
      },

      handleConnection(change) {
        set({ connection: change.status });
        if (change.status === 'reconnecting' && !probing) {
          // Is the server gone for a moment, or did it restart (then only a new session, from the address it printed, helps)?
          probing = true;
          api.getState({}).then(
            () => set({ authLost: false }),
            (e: unknown) => {
              if (isSessionLost(toApiError(e).code)) set({ authLost: true });
            },
          ).finally(() => {
            probing = false;
          });
        }
        if (change.status === 'open') set({ authLost: false });
        if (change.reconnected) {
          void actions.refresh();
          actions.refreshHistory();
          rereadApprovals();
          for (const live of Object.values(get().operations)) {
            if (live.operation?.status === 'running') void actions.followOperation(live.id);
          }
          const selected = get().history.selectedId;
          if (selected) void actions.selectOperation(selected);
        }
      },

      async checkNow() {
        if (get().checking) return;
        set({ checking: true });
        try {
          const before = get().app;
          const result = await api.checkNow({});
          const nothingNew = nothingNewMessage(before, result);
          if (nothingNew) actions.toast({ kind: 'info', title: nothingNew });
          const failed = result.projects.filter((p) => p.error);
          if (failed.length > 0) {
            actions.toast({
              kind: 'error',
              title: failed.length === 1 ? `Checking ${failed[0]!.name} failed` : `${failed.length} checks failed`,
              body: failed.map((p) => `${p.name}: ${p.error!.message}`).join('\n'),
            });
          }
          await actions.refresh();
        } catch (e) {
          fail('Check failed', e);
        } finally {
          set({ checking: false });
        }
      },

      async loadPlan(project, to) {
        const seq = ++planSeq;
        set((s) => ({
          upgradeRefused: null,
          plan: {
            project,
            to,
            status: 'loading',
            // Keep the previous plan of the same project on screen while re-planning for another target.
            plan: s.plan.project === project ? s.plan.plan : null,
            error: null,
          },
        }));
        try {
          const plan = await api.getPlan(to ? { project, to } : { project });
          if (seq === planSeq) set({ plan: { project, to, status: 'ready', plan, error: null } });
        } catch (e) {
          if (seq === planSeq) set({ plan: { project, to, status: 'error', plan: null, error: toApiError(e) } });
        }
      },

      async startUpgrade(project, to, opts = {}) {
        try {
          const input: { project: string; to?: string; confirmManual?: boolean; stash?: boolean; keepOnConflict?: boolean; force?: boolean } = { project };
          if (to) input.to = to;
          if (to && opts.confirmManual) input.confirmManual = true;
          if (opts.stash) input.stash = true;
          if (opts.stash && opts.keepOnConflict) input.keepOnConflict = true;
          if (opts.force) input.force = true;
          const { operationId } = await api.startUpgrade(input);
          set((s) => ({
            upgradeRefused: null,
            activeByProject: { ...s.activeByProject, [project]: operationId },
            operations: s.operations[operationId] ? s.operations : { ...s.operations, [operationId]: emptyLive(operationId) },
          }));
          if (!get().operations[operationId]?.operation) void actions.followOperation(operationId);
          return operationId;
        } catch (e) {
          const error = toApiError(e);
          if (error.code === 'ROLLBACK_LOOP' && !opts.force) set({ upgradeRefused: { project, error } });
          else fail(`Could not start the upgrade of ${project}`, error);
          return null;
        }
      },

      async cancelOperation(id) {
        try {
          const { cancelled } = await api.cancel({ operationId: id });
          if (!cancelled) actions.toast({ kind: 'info', title: 'Nothing to cancel', body: 'The operation had already finished.' });
        } catch (e) {
          fail('Could not cancel', e);
        }
      },

      async followOperation(id) {
        try {
          const detail = await api.getOperation({ id });
          set((s) => {
            let next: DataState = applyOperation(s, detail.operation, now());
            next = { ...next, operations: { ...next.operations, [id]: { ...seedLogs(next.operations[id]!, detail.logs), undoneBy: detail.undoneBy ?? null } } };
            return next;
          });
        } catch {
          // The events keep coming; the record is fetched again on the next reconnect.
        }
      },

      loadApprovals() {
        approvalsWanted = true;
        return readApprovals();
      },

      async approveUpdate(project, version, when) {
        try {
          const { approval } = await api.approve({ project, version, when });
          set((s) => ({ approvals: withApproval(s.approvals, approval) }));
          actions.toast({
            kind: 'success',
            title: `Approved ${project} ${approval.version}`,
            body: when === 'now' ? 'It upgrades as soon as the scheduler next looks.' : 'It upgrades in its next maintenance window.',
          });
          return true;
        } catch (e) {
          fail(`Could not approve ${project} ${version}`, e);
          return false;
        }
      },

      async rejectUpdate(project, version) {
        try {
          const { approval } = await api.reject({ project, version });
          set((s) => ({ approvals: withApproval(s.approvals, approval) }));
          actions.toast({ kind: 'info', title: `Rejected ${project} ${approval.version}`, body: 'It is never upgraded unattended; you can still upgrade to it yourself.' });
          return true;
        } catch (e) {
          fail(`Could not reject ${project} ${version}`, e);
          return false;
        }
      },

      async acceptTag(project, tag) {
        try {
          const accepted = await api.acceptTag({ project, tag });
          actions.toast({ kind: 'success', title: `Trusted ${project} ${tag}`, body: `Now trusted at ${accepted.sha.slice(0, 12)} (was ${accepted.previousSha.slice(0, 12)}), recorded as accepted by ${accepted.by}.` });
          return true;
        } catch (e) {
          fail(`Could not trust ${project} ${tag}`, e);
          return false;
        }
      },

      async snooze(project, version, minutes) {
        try {
          const view = await api.snooze({ project, version, minutes });
          set((s) => ({ app: upsertProject(s.app, view) }));
          actions.toast({ kind: 'info', title: `We will remind you about ${project} ${version}`, body: view.decision.snoozedUntil ? `After ${new Date(view.decision.snoozedUntil).toLocaleString()}.` : undefined });
          return true;
        } catch (e) {
          fail('Could not snooze', e);
          return false;
        }
      },

      setHistoryFilters(filters) {
        set((s) => ({ history: resetHistory(s.history, { ...s.history.filters, ...filters }) }));
        visible = [0, PAGE_SIZE - 1];
        actions.ensureHistoryRange(0, PAGE_SIZE - 1);
      },

      ensureHistoryRange(start, end) {
        visible = [start, end];
        for (const page of missingPages(get().history, start, end)) void loadPage(page);
      },

      openHistory() {
        const h = get().history;
        const first = !historyOpened;
        historyOpened = true;
        const pending = h.total === null && Object.keys(h.loading).length > 0;
        if (first && h.total === null && !pending) actions.ensureHistoryRange(0, PAGE_SIZE - 1);
        else if (!pending) actions.refreshHistory(); // else: the first page is on its way (asked for at start-up)
      },

      refreshHistory() {
        if (!historyOpened) return; // never shown: nothing to keep fresh
        const h = get().history;
        const [start, end] = visible;
        const keep = new Set(missingPagesAll(start, end));
        const pages: typeof h.pages = {};
        for (const [k, v] of Object.entries(h.pages)) if (keep.has(Number(k))) pages[Number(k)] = v;
        set({ history: { ...h, pages, loading: {}, generation: h.generation + 1, error: null } });
        // Refetch what is on screen; stale rows stay visible until their page answers.
        const pagesToLoad = keep.size > 0 ? [...keep] : [0];
        for (const page of pagesToLoad) void loadPage(page);
      },

      async selectOperation(id) {
        if (!id) {
          set((s) => ({ history: { ...s.history, selectedId: null, detail: { status: 'idle', data: null, error: null } } }));
          return;
        }
        set((s) => ({
          history: {
            ...s.history,
            selectedId: id,
            detail: { status: 'loading', data: s.history.detail.data?.operation.id === id ? s.history.detail.data : null, error: null },
          },
        }));
        try {
          const detail = await api.getOperation({ id });
          set((s) => {
            if (s.history.selectedId !== id) return {};
            let next: DataState = { ...s, history: { ...s.history, detail: { status: 'ready', data: detail, error: null } } };
            if (detail.operation.status === 'running' || s.operations[id]) {
              next = applyOperation(next, detail.operation, now());
              next = { ...next, operations: { ...next.operations, [id]: { ...seedLogs(next.operations[id]!, detail.logs), undoneBy: detail.undoneBy ?? null } } };
            }
            return next;
          });
        } catch (e) {
          set((s) => (s.history.selectedId === id ? { history: { ...s.history, detail: { status: 'error', data: null, error: toApiError(e) } } } : {}));
        }
      },

      async rollback(project, to, stash) {
        try {
          const input: { project: string; to: string; stash?: boolean } = { project, to };
          if (stash) input.stash = true;
          const { operationId } = await api.rollback(input);
          set((s) => ({
            activeByProject: { ...s.activeByProject, [project]: operationId },
            operations: s.operations[operationId] ? s.operations : { ...s.operations, [operationId]: emptyLive(operationId) },
          }));
          void actions.selectOperation(operationId);
          scheduleHistoryRefresh();
          return operationId;
        } catch (e) {
          fail(`Could not roll back ${project}`, e);
          return null;
        }
      },

      async validateProject(path) {
        try {
          return await api.validateProject({ path });
        } catch (e) {
          return { ok: false, error: toApiError(e) };
        }
      },

      async addProject(input) {
        try {
          const info = await api.addProject(input);
          actions.toast({ kind: 'success', title: `Watching ${info.name}`, body: info.path });
          await actions.refresh();
          return true;
        } catch (e) {
          fail('Could not add the project', e);
          return false;
        }
      },

      async removeProject(name) {
        try {
          await api.removeProject({ name });
          set((s) => ({ app: removeProjectView(s.app, name) }));
          actions.toast({ kind: 'info', title: `Stopped watching ${name}`, body: 'The checkout and its history are kept.' });
          return true;
        } catch (e) {
          fail(`Could not remove ${name}`, e);
          return false;
        }
      },

      async saveSettings(patch) {
        const before = get().app;
        if (before) set({ app: { ...before, settings: { ...before.settings, ...patch } } });
        try {
          const settings = await api.setSettings(patch);
          set((s) => (s.app ? { app: { ...s.app, settings } } : {}));
          return true;
        } catch (e) {
          if (before) set((s) => (s.app ? { app: { ...s.app, settings: before.settings } } : {}));
          fail('Could not save the settings', e);
          return false;
        }
      },

      async pauseChecks(paused) {
        try {
          const poller = await api.pauseChecks({ paused });
          set((s) => (s.app ? { app: { ...s.app, poller, settings: { ...s.app.settings, paused: poller.paused } } } : {}));
        } catch (e) {
          fail(paused ? 'Could not pause checks' : 'Could not resume checks', e);
        }
      },

      async loadGithubToken() {
        try {
          const status = await api.githubTokenStatus({});
          set({ githubToken: { status, error: null } });
        } catch (e) {
          set((s) => ({ githubToken: { status: s.githubToken.status, error: toApiError(e) } }));
        }
      },

      async saveGithubToken(token) {
        try {
          const status = await api.setGithubToken({ token });
          set({ githubToken: { status, error: null } });
          actions.toast({ kind: 'success', title: 'GitHub token saved', body: 'It is kept encrypted by the system keychain.' });
          return true;
        } catch (e) {
          fail('Could not save the GitHub token', e);
          return false;
        }
      },

      async loadProjectConfig(project) {
        try {
          return await api.getProjectConfig({ project });
        } catch (e) {
          fail(`Could not read ${project}'s configuration`, e);
          return null;
        }
      },

      async saveProjectConfig(project, edits) {
        try {
          const config = await api.setProjectConfig({ project, ...edits });
          actions.toast({ kind: 'success', title: `${project}: configuration saved`, body: config.file });
          return { config };
        } catch (e) {
          return { error: toApiError(e) };
        }
      },

      async removeGithubToken() {
        try {
          const status = await api.clearGithubToken({});
          set({ githubToken: { status, error: null } });
          actions.toast({ kind: 'info', title: 'GitHub token removed' });
          return true;
        } catch (e) {
          fail('Could not remove the GitHub token', e);
          return false;
        }
      },

      toast(toast) {
        const id = toast.id ?? `toast-${++toastSeq}`;
        set((s) => ({ toasts: pushToast(s.toasts, { ...toast, id }) }));
      },

      dismissToast(id) {
        set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
      },
    };

    return { ...initialData(), ...opts.initial, actions, transport };
  });
}

function missingPagesAll(start: number, end: number): number[] {
  const out: number[] = [];
  for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(Math.max(start, end) / PAGE_SIZE); p++) out.push(p);
  return out;
}
