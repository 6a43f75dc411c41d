import type { EngineClient, FileEntry } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { WorkbenchController } from '../workbench/controller';
import { ExplorerModel } from './explorer-model';

const file = (name: string, path: string): FileEntry => ({ name, path, kind: 'file' }) as FileEntry;

describe('ExplorerModel.load', () => {
  it('keeps the newest listing of a folder when an older answer arrives after it', async () => {
    const answers: Array<(entries: FileEntry[]) => void> = [];
    const client = {
      call: (method: string) => {
        expect(method).toBe('files.list');
        return new Promise<{ entries: FileEntry[] }>((resolve) => answers.push((entries) => resolve({ entries })));
      },
    } as unknown as EngineClient;
    const model = new ExplorerModel({ client } as unknown as WorkbenchController);
    const older = model.load('src'); // asked before src/added.ts appeared
    const newer = model.load('src'); // asked after the watcher reported it
    answers[1]?.([file('a.ts', 'src/a.ts'), file('added.ts', 'src/added.ts')]);
    await newer;
    answers[0]?.([file('a.ts', 'src/a.ts')]);
    await older;
    expect(model.state.value.children.get('src')?.map((entry) => entry.name)).toEqual(['a.ts', 'added.ts']);
  });

  it('takes each answer in order when they come back in order', async () => {
    const answers: Array<(entries: FileEntry[]) => void> = [];
    const client = {
      call: () => new Promise<{ entries: FileEntry[] }>((resolve) => answers.push((entries) => resolve({ entries }))),
    } as unknown as EngineClient;
    const model = new ExplorerModel({ client } as unknown as WorkbenchController);
    const first = model.load('');
    answers[0]?.([file('one.ts', 'one.ts')]);
    await first;
    expect(model.state.value.children.get('')?.map((entry) => entry.name)).toEqual(['one.ts']);
    const second = model.load('');
    answers[1]?.([file('one.ts', 'one.ts'), file('two.ts', 'two.ts')]);
    await second;
    expect(model.state.value.children.get('')?.map((entry) => entry.name)).toEqual(['one.ts', 'two.ts']);
  });

  it('drops an answer asked before another folder opened', async () => {
    const answers: Array<(entries: FileEntry[]) => void> = [];
    const client = {
      call: () => new Promise<{ entries: FileEntry[] }>((resolve) => answers.push((entries) => resolve({ entries }))),
    } as unknown as EngineClient;
    const model = new ExplorerModel({
      client,
      state: { value: { workspace: null } },
    } as unknown as WorkbenchController);
    const before = model.load('src');
    model.reset();
    answers[0]?.([file('old.ts', 'src/old.ts')]);
    await before;
    expect(model.state.value.children.has('src')).toBe(false);
  });
});
