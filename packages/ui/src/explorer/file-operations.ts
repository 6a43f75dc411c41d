// What the explorer's New File, New Folder, Rename and Delete do: ask for a name (or a confirmation), call the
// engine, then let the workbench update its tabs and documents.

import { errorMessage } from '@pa/shared';
import type { WorkbenchController } from '../workbench/controller';
import { baseName, parentOf, validateEntryName } from './tree';

export async function createEntry(
  workbench: WorkbenchController,
  dir: string,
  kind: 'file' | 'dir',
  siblings: string[],
): Promise<string | null> {
  const name = await workbench.prompt({
    title: kind === 'file' ? 'New file' : 'New folder',
    placeholder: kind === 'file' ? 'name.ts or folder/name.ts' : 'folder name',
    value: '',
    confirmLabel: 'Create',
    validate: (value) => validateEntryName(value, siblings),
  });
  if (name === null) return null;
  const path = dir ? `${dir}/${name.trim()}` : name.trim();
  try {
    await workbench.client.call('files.create', { path, kind });
    workbench.didCreate();
    if (kind === 'file') await workbench.openFile(path);
    return path;
  } catch (error) {
    workbench.notify(errorMessage(error), 'error');
    return null;
  }
}

export async function renameEntry(workbench: WorkbenchController, path: string, siblings: string[]) {
  const current = baseName(path);
  const name = await workbench.prompt({
    title: `Rename ${current}`,
    value: current,
    confirmLabel: 'Rename',
    validate: (value) =>
      value.trim() === current
        ? null
        : validateEntryName(
            value,
            siblings.filter((sibling) => sibling !== current),
          ),
  });
  if (name === null || name.trim() === current) return null;
  const parent = parentOf(path);
  const to = parent ? `${parent}/${name.trim()}` : name.trim();
  try {
    await workbench.client.call('files.rename', { from: path, to });
    workbench.didRename(path, to);
    return to;
  } catch (error) {
    workbench.notify(errorMessage(error), 'error');
    return null;
  }
}

export async function deleteEntry(workbench: WorkbenchController, path: string, kind: 'file' | 'dir') {
  const choice = await workbench.confirm({
    title: `Delete ${baseName(path)}?`,
    message:
      kind === 'dir'
        ? `The folder "${path}" and everything in it will be deleted from disk.`
        : `"${path}" will be deleted from disk.`,
    buttons: [
      { id: 'delete', label: 'Delete', variant: 'danger' },
      { id: 'cancel', label: 'Cancel', variant: 'secondary' },
    ],
  });
  if (choice !== 'delete') return false;
  try {
    await workbench.client.call('files.delete', { path });
    workbench.didDelete(path);
    return true;
  } catch (error) {
    workbench.notify(errorMessage(error), 'error');
    return false;
  }
}
