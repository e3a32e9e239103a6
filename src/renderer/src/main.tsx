// The global stylesheet first: the styles beside each page and component come after it and build on it.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { BridgeProvider } from './lib/api';
import { createBridge } from './lib/bridge';
import { applyTheme, savedTheme } from './lib/theme';

// Before the first paint, so a dark-theme user does not see a white flash while the settings load.
applyTheme(savedTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <BridgeProvider bridge={createBridge()}>
      <App />
    </BridgeProvider>
  </StrictMode>,
);
