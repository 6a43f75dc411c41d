// @pa/ui: the workbench. One engine connection per window (Electron's bridge or a WebSocket), then the workbench.
// The theme is imported first so the bundle puts it before every feature's CSS: a feature rule as specific as a theme
// rule wins, and features style themselves without raising specificity.
import './workbench/theme.css';
import { useEffect, useState } from 'react';
import { connectToEngine, type EngineConnection } from './client/connection';
import { EngineProvider } from './client/engine';
import { useObservable } from './workbench/observable';
import { WorkbenchView } from './workbench/WorkbenchView';

export function App() {
  const [connection] = useState<EngineConnection>(() => connectToEngine());
  const state = useObservable(connection.state);
  useEffect(() => () => connection.dispose(), [connection]);
  return (
    <EngineProvider value={{ client: connection.client, state }}>
      <WorkbenchView connection={connection} />
    </EngineProvider>
  );
}
