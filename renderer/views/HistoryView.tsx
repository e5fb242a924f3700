/** "History": filters, the virtualised timeline, and the detail panel. */
import { useEffect, useId } from 'react';
import type { OperationKind, OperationStatus } from '../../shared/api/types.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { KIND_LABELS, STATUS_LABELS, plural } from '../lib/format.js';
import { filtersActive } from '../store/history.js';
import { useActions, useApp } from '../store/context.js';
import { HistoryList } from './HistoryList.js';
import { BatchHistory } from './BatchPanels.js';
import { OperationDetailPanel } from './OperationDetailPanel.js';
import { ViewHeading } from './ViewHeading.js';

function Filters() {
  const filters = useApp((s) => s.history.filters);
  const projects = useApp((s) => s.app?.projects);
  const { setHistoryFilters } = useActions();
  const ids = { project: useId(), status: useId(), kind: useId(), from: useId(), to: useId() };
  const names = (projects ?? []).map((p) => p.name);
  if (filters.project && !names.includes(filters.project)) names.push(filters.project);
  return (
    <form className="filters" role="search" aria-label="Filter history" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.project}>Project</label>
        <select id={ids.project} value={filters.project ?? ''} onChange={(e) => setHistoryFilters({ project: e.target.value || null })}>
          <option value="">All projects</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.status}>Status</label>
        <select id={ids.status} value={filters.status ?? ''} onChange={(e) => setHistoryFilters({ status: (e.target.value || null) as OperationStatus | null })}>
          <option value="">All statuses</option>
          {(Object.keys(STATUS_LABELS) as OperationStatus[]).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.kind}>Kind</label>
        <select id={ids.kind} value={filters.kind ?? ''} onChange={(e) => setHistoryFilters({ kind: (e.target.value || null) as OperationKind | null })}>
          <option value="">All kinds</option>
          {(Object.keys(KIND_LABELS) as OperationKind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.from}>From</label>
        <input id={ids.from} type="date" value={filters.from ?? ''} max={filters.to ?? undefined} onChange={(e) => setHistoryFilters({ from: e.target.value || null })} />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>To</label>
        <input id={ids.to} type="date" value={filters.to ?? ''} min={filters.from ?? undefined} onChange={(e) => setHistoryFilters({ to: e.target.value || null })} />
      </div>
      {filtersActive(filters) && (
        <button type="button" className="button button-ghost" onClick={() => setHistoryFilters({ project: null, status: null, kind: null, from: null, to: null })}>
          Clear filters
        </button>
      )}
    </form>
  );
}

const LEGEND: OperationStatus[] = ['succeeded', 'stash_kept', 'rolled_back', 'cancelled', 'failed', 'blocked', 'interrupted', 'running'];

export function HistoryView() {
  const total = useApp((s) => s.history.total);
  const error = useApp((s) => s.history.error);
  const active = useApp((s) => filtersActive(s.history.filters));
  const { openHistory, refreshHistory, setHistoryFilters } = useActions();

  useEffect(() => {
    openHistory();
  }, [openHistory]);

  return (
    <div className="view view-history">
      <header className="view-header">
        <ViewHeading>History</ViewHeading>
        <p className="muted" role="status">
          {total === null ? 'Loading…' : `${plural(total, 'operation')}${active ? (total === 1 ? ' matches the filters' : ' match the filters') : ''}`}
        </p>
      </header>
      <Filters />
      <ul className="legend" aria-label="Legend">
        {LEGEND.map((s) => (
          <li key={s} className={`status status-${s}`}>
            <span className="status-dot" aria-hidden="true" />
            {STATUS_LABELS[s]}
          </li>
        ))}
      </ul>
      {error && <ErrorBanner error={error} title="Could not load the history" onRetry={() => refreshHistory()} />}
      <BatchHistory />
      <div className="history-layout">
        <div className="history-main">
          {total === 0 ? (
            active ? (
              <EmptyState
                title="No operations match these filters"
                action={
                  <button type="button" className="button" onClick={() => setHistoryFilters({ project: null, status: null, kind: null, from: null, to: null })}>
                    Clear filters
                  </button>
                }
              />
            ) : (
              <EmptyState title="No operations yet">
                <p>Every upgrade, rollback and recovery will be listed here, with how long each step took.</p>
              </EmptyState>
            )
          ) : (
            <HistoryList />
          )}
        </div>
        <OperationDetailPanel />
      </div>
    </div>
  );
}
