/**
 * The history timeline: a dated list (newest first) with coloured status markers and duration bars, virtualised
 * so 10,000 operations stay smooth, pages loaded through queryHistory(limit, offset) as rows come into view.
 * Keyboard: it is one listbox (Tab stop); arrows, Page Up/Down, Home/End move, Enter or Space opens the detail.
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Operation } from '../../shared/api/types.js';
import { DurationBar } from '../components/DurationBar.js';
import { KIND_LABELS, dayKey, formatDateTime, formatDay, formatEndpoints, formatTime, statusLabel } from '../lib/format.js';
import { historyItem } from '../store/history.js';
import { useActions, useApp } from '../store/context.js';

export const ROW_HEIGHT = 60;
const THIS_YEAR = new Date().getFullYear();

/**
 * A comma read between the parts of a row's name and not shown. Inline and zero-sized rather than visually-hidden:
 * an absolutely positioned element would be blockified and Chromium would set it off with spaces ("core , Upgrade").
 */
function Pause() {
  return <span className="name-pause">, </span>;
}

function optionId(index: number): string {
  return `history-row-${index}`;
}

/**
 * One operation. Its accessible name is its text, in DOM order: "core, Upgrade 1.0.0 → 1.1.0, Rolled back, Sun, Dec 6,
 * 08:57:49 AM, 26 s" (the day is visible on the first row of a day, hidden text on the others). A separate
 * aria-label said the same in another order, which speech input cannot match to what is on screen (axe:
 * label-content-name-mismatch). CSS grid areas place the parts (history.css), so the DOM order is the reading order.
 */
function Row({ op, index, previous, selected, active, onPick }: { op: Operation; index: number; previous: Operation | undefined; selected: boolean; active: boolean; onPick: () => void }) {
  const day = dayKey(op.startedAt);
  const dayStart = !previous || dayKey(previous.startedAt) !== day;
  const dayText = formatDay(op.startedAt, { currentYear: THIS_YEAR });
  return (
    <div
      id={optionId(index)}
      role="option"
      aria-selected={selected}
      className={`history-row${selected ? ' selected' : ''}${active ? ' active' : ''}${dayStart ? ' day-start' : ''}`}
      onPointerEnter={(e) => (e.currentTarget.title ||= formatDateTime(op.startedAt))}
      onClick={onPick}
    >
      <span className="history-what">
        <span className="history-project">
          {op.project}
          <Pause />
        </span>
        <span className="history-kind">
          {KIND_LABELS[op.kind]} {formatEndpoints(op.from, op.to)}
          <Pause />
        </span>
      </span>
      <span className={`history-status status-text-${op.status}`}>
        {statusLabel(op.status)}
        <Pause />
      </span>
      <span className="history-when">
        <span className={dayStart ? 'history-day' : 'name-pause'}>
          {dayText}
          <Pause />
        </span>
        <span className="history-time">
          {formatTime(op.startedAt)}
          <Pause />
        </span>
      </span>
      <span className={`status status-${op.status} history-marker`}>
        <span className="status-dot" aria-hidden="true" />
      </span>
      <DurationBar ms={op.durationMs} status={op.status} />
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
    // Before the list is laid out its size is unknown (0 × 0: no rows), and the rows came one more render later,
    // after the virtualizer measured it. The window bounds it: the first render already has the first rows, and
    // the measurement trims the overscan once it is in.
    initialRect: { width: typeof window === 'undefined' ? 0 : window.innerWidth, height: typeof window === 'undefined' ? 0 : window.innerHeight },
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
