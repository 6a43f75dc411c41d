import { defaultSettings, toDisposable } from '@pa/shared';
import { describe, expect, it, vi } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { AiServices } from './ai-services';
import type { EditTarget } from './edit-controller';

const TARGET: EditTarget = {
  path: 'src/a.ts',
  language: 'typescript',
  range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 5 },
  original: 'code',
};

function setup() {
  const engine = new FakeEngine();
  const settings = { effective: new Observable(defaultSettings) };
  const api = { client: engine.client, editor: () => null, notify: () => {}, settings } as unknown as WorkbenchApi;
  const overlay = { mounted: 0, unmounted: 0 };
  const services = new AiServices(api, () => {
    overlay.mounted += 1;
    return toDisposable(() => {
      overlay.unmounted += 1;
    });
  });
  return { services, overlay };
}

describe('AiServices', () => {
  it('gives each activation its own controllers', () => {
    const first = setup().services;
    const second = setup().services;
    expect(first.chat).not.toBe(second.chat);
    expect(first.edit).not.toBe(second.edit);
    expect(first.models).not.toBe(second.models);
  });

  it('stops the chat and an edit still generating when the feature is disposed, and takes the overlay off', () => {
    const { services, overlay } = setup();
    expect(overlay).toEqual({ mounted: 1, unmounted: 0 });
    const stop = vi.spyOn(services.chat, 'stop');
    services.edit.state.set({ phase: 'generating', target: TARGET, instruction: 'rename', proposed: 'co' });
    services.dispose();
    expect(stop).toHaveBeenCalledOnce();
    expect(services.edit.state.value).toEqual({ phase: 'idle' });
    expect(overlay).toEqual({ mounted: 1, unmounted: 1 });
  });

  it('leaves an idle edit alone and disposes the models controller (its refresh timer stops)', () => {
    const { services } = setup();
    const reject = vi.spyOn(services.edit, 'reject');
    const disposeModels = vi.spyOn(services.models, 'dispose');
    services.dispose();
    expect(reject).not.toHaveBeenCalled();
    expect(disposeModels).toHaveBeenCalledOnce();
  });
});
