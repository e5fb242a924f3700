/**
 * The About view's data: getAbout once, then Upshift's own update status as self-update-changed events bring it.
 * Kept beside the view (not in the app store): only About reads it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AboutInfo } from '../../shared/api/about.js';
import type { MethodInput } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import { toApiError } from '../transport/errors.js';
import { useActions, useApp } from '../store/context.js';

export interface AboutData {
  about: AboutInfo | null;
  error: ApiError | null;
  /** The decision being sent, if any (its button shows it and the others wait). */
  pending: MethodInput<'selfUpdate'>['action'] | null;
  act: (input: MethodInput<'selfUpdate'>) => Promise<void>;
  reload: () => Promise<void>;
}

export function useAbout(): AboutData {
  const api = useApp((s) => s.transport.api);
  const { toast } = useActions();
  const [about, setAbout] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<AboutData['pending']>(null);

  const reload = useCallback(async () => {
    try {
      setAbout(await api.getAbout({}));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, [api]);

  useEffect(() => {
    void reload();
    return api.subscribe((event) => {
      if (event.type === 'self-update-changed') setAbout((a) => (a ? { ...a, selfUpdate: event.status } : a));
    });
  }, [api, reload]);

  const act = useCallback(
    async (input: MethodInput<'selfUpdate'>) => {
      setPending(input.action);
      try {
        const status = await api.selfUpdate(input);
        setAbout((a) => (a ? { ...a, selfUpdate: status } : a));
      } catch (e) {
        const err = toApiError(e);
        toast({ kind: 'error', title: 'Upshift update', body: err.message });
      } finally {
        setPending(null);
      }
    },
    [api, toast],
  );

  return { about, error, pending, act, reload };
}
