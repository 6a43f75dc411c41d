// The engine connection as React sees it: one client per window, its connection state, and event subscriptions
// that end with the component.
import type { ConnectionState, EngineClient, EventData, EventName } from '@pa/shared';
import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';

/** `reconnecting`: the engine was connected and is being sought again (calls fail at once meanwhile). */
export type { ConnectionState };

export interface EngineHandle {
  client: EngineClient;
  state: ConnectionState;
}

const EngineContext = createContext<EngineHandle | null>(null);

export function EngineProvider({ value, children }: { value: EngineHandle; children: ReactNode }) {
  return <EngineContext.Provider value={value}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineHandle {
  const handle = useContext(EngineContext);
  if (!handle) throw new Error('useEngine() outside <EngineProvider>');
  return handle;
}

/** Subscribes to an engine event for the life of the component; the latest listener is always the one called. */
export function useEvent<E extends EventName>(event: E, listener: (data: EventData<E>) => void): void {
  const { client } = useEngine();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const subscription = client.on(event, (data) => latest.current(data));
    return () => subscription.dispose();
  }, [client, event]);
}
