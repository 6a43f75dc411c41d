// Ctrl/Cmd+P: every workspace file (from files.tree), fuzzy-matched on its path, name first.
import { errorMessage } from '@pa/shared';
import { useEffect, useMemo, useState } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import type { WorkbenchController } from '../workbench/controller';
import { FileIcon } from '../workbench/file-icon';
import { Picker } from './Picker';

const textOf = (path: string) => path;
const keyOf = (path: string) => path;

export function QuickOpen({ workbench }: { workbench: WorkbenchController }) {
  const [files, setFiles] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    workbench.listFiles().then(
      (list) => live && setFiles(list),
      (error: unknown) => {
        workbench.notify(errorMessage(error), 'error');
        workbench.patch({ overlay: null });
      },
    );
    return () => {
      live = false;
    };
  }, [workbench]);
  // Open files come first, so an empty query lists them like a "recently opened" section.
  const items = useMemo(() => {
    if (!files) return [];
    const open = workbench.state.value.tabs.tabs.map((tab) => tab.path);
    const openSet = new Set(open);
    return [...open.filter((path) => files.includes(path)), ...files.filter((path) => !openSet.has(path))];
  }, [files, workbench]);
  return (
    <Picker
      items={items}
      loading={files === null}
      placeholder="Search files by name"
      emptyText="No matching files"
      textOf={textOf}
      keyOf={keyOf}
      onClose={() => workbench.patch({ overlay: null })}
      onPick={(path) => void workbench.openFile(path)}
      render={(path, highlight) => {
        const name = baseName(path);
        const dir = parentOf(path);
        return (
          <>
            <FileIcon name={name} />
            <span className="picker__label">{highlight(name, path.length - name.length)}</span>
            {dir && <span className="picker__detail">{highlight(dir, 0)}</span>}
          </>
        );
      }}
    />
  );
}
