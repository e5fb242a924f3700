import { useEffect } from 'react';
import { useActions, useApp } from '../store/context.js';
import type { Toast } from '../store/types.js';

const LIFETIME: Record<Toast['kind'], number> = { info: 6000, success: 6000, update: 12_000, error: 15_000 };

function ToastItem({ toast }: { toast: Toast }) {
  const { dismissToast } = useActions();
  useEffect(() => {
    const id = setTimeout(() => dismissToast(toast.id), LIFETIME[toast.kind]);
    return () => clearTimeout(id);
  }, [toast.id, toast.kind, dismissToast]);
  return (
    <li className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <div className="toast-text">
        <strong>{toast.title}</strong>
        {toast.body && <p>{toast.body}</p>}
      </div>
      <div className="toast-actions">
        {toast.action && 'href' in toast.action && (
          <a className="button button-small" href={toast.action.href} onClick={() => dismissToast(toast.id)}>
            {toast.action.label}
          </a>
        )}
        {toast.action && 'run' in toast.action && (
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              const { run } = toast.action as { run: () => void };
              dismissToast(toast.id);
              run();
            }}
          >
            {toast.action.label}
          </button>
        )}
        <button type="button" className="button button-small button-ghost" onClick={() => dismissToast(toast.id)} aria-label={`Dismiss: ${toast.title}`}>
          ✕
        </button>
      </div>
    </li>
  );
}

/** In-app notifications (engine notifications, results, errors), newest last, each dismissable. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <section className="toasts" aria-label="Notifications">
      <ul>
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </ul>
    </section>
  );
}
