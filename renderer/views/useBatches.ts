/**
 * Batches and paths for the dashboard: the list (listBatches) kept fresh by batch-progress and history-changed
 * events, and starting one (startBatch, startPath). Kept beside the views that use it, out of the app store: only the
 * batch panels read it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodInput } from '../../shared/api/contract.js';
import type { ApiError, BatchOperation } from '../../shared/api/types.js';
import { toApiError } from '../transport/errors.js';
import { useActions, useApp } from '../store/context.js';

export interface BatchesData {
  batches: BatchOperation[] | null;
  error: ApiError | null;
  /** The batch started from this view, followed live. */
  started: BatchOperation | null;
  starting: boolean;
  startBatch: (input: MethodInput<'startBatch'>) => Promise<void>;
  startPath: (input: MethodInput<'startPath'>) => Promise<void>;
}

export function useBatches(project: string | null = null): BatchesData {
  const api = useApp((s) => s.transport.api);
  const { toast } = useActions();
  const [batches, setBatches] = useState<BatchOperation[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [startedId, setStartedId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const reload = useCallback(async () => {
    try {
      setBatches((await api.listBatches(project ? { project } : {})).batches);
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, [api, project]);

  useEffect(() => {
    void reload();
    return api.subscribe((event) => {
      if (event.type === 'batch-progress') {
        // Newest first: a batch's updates replace it in place, a new one goes on top.
        setBatches((list) => {
          if (!list) return [event.batch];
          return list.some((b) => b.id === event.batch.id) ? list.map((b) => (b.id === event.batch.id ? event.batch : b)) : [event.batch, ...list];
        });
      } else if (event.type === 'history-changed') {
        void reload();
      }
    });
  }, [api, reload]);

  const start = useCallback(
    async (run: () => Promise<{ batchId: string }>, title: string) => {
      setStarting(true);
      try {
        const { batchId } = await run();
        setStartedId(batchId);
      } catch (e) {
        toast({ kind: 'error', title, body: toApiError(e).message });
      } finally {
        setStarting(false);
      }
    },
    [toast],
  );

  return {
    batches,
    error,
    started: batches?.find((b) => b.id === startedId) ?? null,
    starting,
    startBatch: (input) => start(() => api.startBatch(input), 'Batch upgrade'),
    startPath: (input) => start(() => api.startPath(input), 'Multi-hop upgrade'),
  };
}
