import type { AppState, GithubTokenStatus, OperationDetail, Settings } from '../../shared/api/contract.js';
import type { ApiError, Operation, OperationKind, OperationStatus, OperationStep, UpgradePlan } from '../../shared/api/types.js';
import type { Approval } from '../../shared/policy/index.js';
import type { ConnectionStatus } from '../transport/types.js';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** An operation as the dashboard follows it: the last full record plus what the events added since. */
export interface LiveOperation {
  id: string;
  /** Null until the operation-started event or a getOperation answer arrives. */
  operation: Operation | null;
  /** Tail of each step's output, by step id (capped). */
  logs: Record<string, string[]>;
  /** When this dashboard saw each step start (epoch ms), for live durations of running steps. */
  stepStartedAt: Record<string, number>;
  /** Step updates that arrived before the operation record; merged into it when it comes. */
  pendingSteps: Array<Partial<OperationStep> & { id: string }>;
  /** The rollback that undid this operation, as getOperation last said (absent: not asked yet). */
  undoneBy?: OperationDetail['undoneBy'];
}

export interface PlanState {
  project: string | null;
  to: string | null;
  status: LoadStatus;
  plan: UpgradePlan | null;
  error: ApiError | null;
}

export interface HistoryFilters {
  project: string | null;
  status: OperationStatus | null;
  kind: OperationKind | null;
  /** Local calendar days, YYYY-MM-DD, inclusive. */
  from: string | null;
  to: string | null;
}

export interface HistoryState {
  filters: HistoryFilters;
  /** Total matching operations; null before the first page. */
  total: number | null;
  /** Loaded pages by page index (PAGE_SIZE operations each). */
  pages: Record<number, Operation[]>;
  /** Pages being requested. */
  loading: Record<number, true>;
  error: ApiError | null;
  /** Bumped on every reset: answers for an older generation are dropped. */
  generation: number;
  selectedId: string | null;
  detail: { status: LoadStatus; data: OperationDetail | null; error: ApiError | null };
}

export type ToastKind = 'info' | 'success' | 'error' | 'update';

export interface Toast {
  id: string;
  kind: ToastKind;
  title: string;
  body?: string;
  /** A link to follow, or something to do at once (Undo). */
  action?: { label: string; href: string } | { label: string; run: () => void };
}

export interface DataState {
  app: AppState | null;
  load: { status: LoadStatus; error: ApiError | null };
  checking: boolean;
  connection: ConnectionStatus;
  /** The server refuses our token (it was restarted with a new one): the page must be reopened. */
  authLost: boolean;
  plan: PlanState;
  operations: Record<string, LiveOperation>;
  /** The operation each project's plan view follows (kept after it finishes, to show the final state). */
  activeByProject: Record<string, string>;
  history: HistoryState;
  toasts: Toast[];
  /** An upgrade the engine refused for rollback-loop protection (ROLLBACK_LOOP): the Plan view offers to force it. */
  upgradeRefused: { project: string; error: ApiError } | null;
  /** Where the GitHub token comes from (never the token); null until asked. */
  githubToken: { status: GithubTokenStatus | null; error: ApiError | null };
  /** The approval queue (listApprovals); null until a view asks for it, then kept fresh by `approvals-changed`. */
  approvals: Approval[] | null;
}

export type { Settings };
