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

applyTheme();
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
