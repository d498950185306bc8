import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient } from './client/transports';
import './styles.css';

const { client, transport } = createClient();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} transport={transport} />
  </StrictMode>,
);
