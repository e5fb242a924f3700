// First: starts the first requests before React is evaluated (see boot.ts).
import { store } from './boot.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { applyTheme } from './lib/theme.js';
import { StoreContext } from './store/context.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/plan.css';
import './styles/history.css';
import './styles/compact.css';
import './styles/trust.css';
import './styles/schedule.css';

/**
 * How long the first render waits for the first state. index.html already draws the shell, so rendering the app
 * before its data would draw the same skeleton again and then everything a second time once the state is in; the
 * state is usually answered while the entry is still being evaluated. Past this, the app renders without it (its
 * own skeleton, then the view) as before.
 */
const FIRST_STATE_WAIT_MS = 120;

applyTheme();
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

function render(): void {
  createRoot(root!).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}

const settled = (status: string) => status === 'ready' || status === 'error';
if (settled(store.getState().load.status)) render();
else {
  let rendered = false;
  const once = () => {
    if (rendered) return;
    rendered = true;
    off();
    clearTimeout(timer);
    render();
  };
  const off = store.subscribe((s) => {
    if (settled(s.load.status)) once();
  });
  const timer = setTimeout(once, FIRST_STATE_WAIT_MS);
}
