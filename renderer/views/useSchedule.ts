/**
 * The Schedule view's data: getSchedule, read again when something it depends on changes — the scheduler evaluated
 * (schedule-changed), a decision (approvals-changed), an operation ended, a check finished (project-changed) — at most
 * once per 250 ms for a burst of events. Kept beside the view: only Schedule reads it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodOutputs } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import { toApiError } from '../transport/errors.js';
import { useActions, useApp } from '../store/context.js';

export type ScheduleDocument = MethodOutputs['getSchedule'];

const REFRESH_EVENTS = new Set(['schedule-changed', 'approvals-changed', 'operation-finished', 'project-changed', 'state-changed']);
const COALESCE_MS = 250;

export interface ScheduleData {
  doc: ScheduleDocument | null;
  error: ApiError | null;
  /** A pause or resume being sent. */
  busy: boolean;
  reload: () => Promise<void>;
  pause: (until: string | null, reason: string) => Promise<boolean>;
  resume: () => Promise<boolean>;
}

export function useSchedule(): ScheduleData {
  const api = useApp((s) => s.transport.api);
  const { toast } = useActions();
  const [doc, setDoc] = useState<ScheduleDocument | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // A slower, older answer must not replace a newer one.
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const next = await api.getSchedule({});
      if (mine !== seq.current) return;
      setDoc(next);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(toApiError(e));
    }
  }, [api]);

  useEffect(() => {
    void reload();
    const off = api.subscribe((event) => {
      if (!REFRESH_EVENTS.has(event.type) || timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void reload();
      }, COALESCE_MS);
    });
    return () => {
      off();
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [api, reload]);

  const send = useCallback(
    async (what: string, call: () => Promise<ScheduleDocument>, done: string) => {
      setBusy(true);
      try {
        seq.current++;
        setDoc(await call());
        toast({ kind: 'success', title: done });
        return true;
      } catch (e) {
        toast({ kind: 'error', title: `Could not ${what}`, body: `${toApiError(e).message}` });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [toast],
  );

  const pause = useCallback(
    (until: string | null, reason: string) =>
      send('pause automation', () => api.pauseAutomation({ until, ...(reason.trim() ? { reason: reason.trim() } : {}) }), until ? 'Automation paused' : 'Automation paused until resumed'),
    [api, send],
  );
  const resume = useCallback(() => send('resume automation', () => api.resumeAutomation({}), 'Automation resumed'), [api, send]);

  return { doc, error, busy, reload, pause, resume };
}
