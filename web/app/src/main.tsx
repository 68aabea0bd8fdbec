import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CipherLinkClient, IndexedDbKeyStore } from '@cipherlink/client';
import { ClientProvider } from './state/ClientContext';
import { App } from './App';
import './index.css';

// The one SDK instance. The app is served from the same origin as the API and the WebSocket.
const client = new CipherLinkClient({ baseUrl: window.location.origin, keyStore: new IndexedDbKeyStore() });

const root = document.getElementById('root');
if (!root) throw new Error('missing #root element');

createRoot(root).render(
  <StrictMode>
    <ClientProvider client={client}>
      <App />
    </ClientProvider>
  </StrictMode>,
);
