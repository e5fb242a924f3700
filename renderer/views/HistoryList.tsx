/**
 * The history timeline: a dated list (newest first) with coloured status markers and duration bars, virtualised
 * so 10,000 operations stay smooth, pages loaded through queryHistory(limit, offset) as rows come into view.
 * Keyboard: it is one listbox (Tab stop); arrows, Page Up/Down, Home/End move, Enter or Space opens the detail.
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Operation } from '../../shared/api/types.js';
import { StatusBadge } from '../components/Badges.js';
import { DurationBar } from '../components/DurationBar.js';
import { KIND_LABELS, dayKey, formatDateTime, formatDay, formatDuration, formatEndpoints, formatTime, statusLabel } from '../lib/format.js';
import { historyItem } from '../store/history.js';
import { useActions, useApp } from '../store/context.js';

export const ROW_HEIGHT = 60;
const THIS_YEAR = new Date().getFullYear();

export function operationLabel(op: Operation): string {
  return `${op.project}, ${KIND_LABELS[op.kind].toLowerCase()} ${formatEndpoints(op.from, op.to)}, ${statusLabel(op.status).toLowerCase()}, ${formatDateTime(op.startedAt)}, ${formatDuration(op.durationMs)}`;
}

function optionId(index: number): string {
  return `history-row-${index}`;
}

function Row({ op, index, previous, selected, active, onPick }: { op: Operation; index: number; previous: Operation | undefined; selected: boolean; active: boolean; onPick: () => void }) {
  const day = dayKey(op.startedAt);
  const dayStart = !previous || dayKey(previous.startedAt) !== day;
  return (
    <div
      id={optionId(index)}
      role="option"
      aria-selected={selected}
      aria-label={operationLabel(op)}
      className={`history-row${selected ? ' selected' : ''}${active ? ' active' : ''}${dayStart ? ' day-start' : ''}`}
      onClick={onPick}
    >
      <span className="history-when">
        {dayStart && <span className="history-day">{formatDay(op.startedAt, { currentYear: THIS_YEAR })}</span>}
        <span className="history-time">{formatTime(op.startedAt)}</span>
      </span>
      <StatusBadge status={op.status} compact />
      <span className="history-what">
        <span className="history-project">{op.project}</span>
        <span className="history-kind">
          {KIND_LABELS[op.kind]} {formatEndpoints(op.from, op.to)}
        </span>
      </span>
      <DurationBar ms={op.durationMs} status={op.status} />
      <span className={`history-status status-text-${op.status}`}>{statusLabel(op.status)}</span>
    </div>
  );
}

export function HistoryList() {
  const history = useApp((s) => s.history);
  const { ensureHistoryRange, selectOperation } = useActions();
  const parentRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const total = history.total ?? 0;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensureHistoryRange(first, last);
  }, [first, last, total, history.generation, ensureHistoryRange]);

  useEffect(() => {
    if (active >= total && total > 0) setActive(total - 1);
  }, [active, total]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(total - 1, to));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (total === 0) return;
    const page = Math.max(1, Math.floor((parentRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(total - 1),
      Enter: () => {
        const op = historyItem(history, active);
        if (op) void selectOperation(op.id);
      },
      ' ': () => {
        const op = historyItem(history, active);
        if (op) void selectOperation(op.id);
      },
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  const activeRendered = items.some((v) => v.index === active) && historyItem(history, active);

  return (
    <div
      ref={parentRef}
      className="history-list"
      role="listbox"
      aria-label="Operations"
      tabIndex={0}
      aria-activedescendant={activeRendered ? optionId(active) : undefined}
      aria-busy={history.total === null}
      onKeyDown={onKeyDown}
    >
      <div role="presentation" className="history-sizer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {items.map((v) => {
          const op = historyItem(history, v.index);
          return (
            <div key={v.key} role="presentation" className="history-slot" style={{ transform: `translateY(${v.start}px)`, height: `${v.size}px` }}>
              {op ? (
                <Row
                  op={op}
                  index={v.index}
                  previous={v.index > 0 ? historyItem(history, v.index - 1) : undefined}
                  selected={history.selectedId === op.id}
                  active={active === v.index}
                  onPick={() => {
                    setActive(v.index);
                    void selectOperation(op.id);
                  }}
                />
              ) : (
                <div role="option" aria-selected={false} aria-disabled="true" aria-label="Loading…" className="history-row loading">
                  <span className="skeleton skeleton-line" aria-hidden="true" />
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
