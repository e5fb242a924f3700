import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { parseRoute } from './lib/route.js';
import { applyTheme } from './lib/theme.js';
import { StoreContext } from './store/context.js';
import { createAppStore } from './store/store.js';
import { chooseTransport } from './transport/index.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/plan.css';
import './styles/history.css';

applyTheme();
// Reads (and strips) #token=… before anything routes on the hash.
const transport = chooseTransport();
const store = createAppStore(transport);
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
void store.getState().actions.init();
// Opened straight on the history: ask for its first page alongside the state instead of after the first render
// (the view's own openHistory then finds it loading and does not ask twice).
if (parseRoute(window.location.hash).view === 'history') store.getState().actions.openHistory();
