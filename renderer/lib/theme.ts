/** Light and dark themes: the OS preference by default, or the user's explicit choice (kept in localStorage). */
import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'upshift.theme';
const listeners = new Set<() => void>();

export function readThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The theme in effect now. */
export function effectiveTheme(choice: ThemeChoice = readThemeChoice()): 'light' | 'dark' {
  if (choice === 'system') return systemPrefersDark() ? 'dark' : 'light';
  return choice;
}

let followingSystem = false;

/**
 * Sets data-theme on <html> to the theme in effect, the one place the CSS reads it (so each palette is written
 * once). With the "system" choice it follows the OS preference as it changes.
 */
export function applyTheme(choice: ThemeChoice = readThemeChoice()): void {
  document.documentElement.dataset.theme = effectiveTheme(choice);
  if (!followingSystem && typeof matchMedia === 'function') {
    followingSystem = true;
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      if (readThemeChoice() === 'system') document.documentElement.dataset.theme = effectiveTheme('system');
    });
  }
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not persisted; still applied for this session.
  }
  applyTheme(choice);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onChange = () => {
    applyTheme();
    listener();
  };
  mq?.addEventListener('change', onChange);
  return () => {
    listeners.delete(listener);
    mq?.removeEventListener('change', onChange);
  };
}

/** [choice, effective theme] that re-render on change (toggle or OS switch). */
export function useTheme(): { choice: ThemeChoice; effective: 'light' | 'dark' } {
  const choice = useSyncExternalStore(subscribe, readThemeChoice, () => 'system' as ThemeChoice);
  const effective = useSyncExternalStore(subscribe, () => effectiveTheme(choice), () => 'light' as const);
  return { choice, effective };
}
