// The controller of one preview tab, owned by its mounted component: created on mount and when the tab shows
// another resource, disposed on unmount; null during the first render.
import type { Disposable } from '@pa/shared';
import { useEffect, useState } from 'react';
import type { WorkbenchApi } from '../workbench/contributions';

export function useInstance<T extends Disposable>(
  create: (api: WorkbenchApi, resource: string) => T,
  api: WorkbenchApi,
  resource: string,
): T | null {
  const [instance, setInstance] = useState<T | null>(null);
  useEffect(() => {
    const created = create(api, resource);
    setInstance(created);
    return () => {
      setInstance(null);
      created.dispose();
    };
  }, [create, api, resource]);
  return instance;
}
