import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { Actions, AppStore } from './store.js';

export const StoreContext = createContext<StoreApi<AppStore> | null>(null);

function useStoreApi(): StoreApi<AppStore> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}

/** Selects a slice; the selector must return a stable value (a field, not a new object). */
export function useApp<T>(selector: (s: AppStore) => T): T {
  return useStore(useStoreApi(), selector);
}

/** Selects several fields at once (shallow-compared). */
export function useAppShallow<T extends object>(selector: (s: AppStore) => T): T {
  return useStore(useStoreApi(), useShallow(selector));
}

export function useActions(): Actions {
  return useStore(useStoreApi(), (s) => s.actions);
}
