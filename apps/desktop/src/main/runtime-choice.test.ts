import { describe, expect, it } from 'vitest';
import { chooseEngineRuntime } from './runtime-choice.js';

describe('chooseEngineRuntime', () => {
  it('runs the packaged engine in the utility process, whatever the environment says', () => {
    expect(chooseEngineRuntime(true, { PA_NODE: '/usr/bin/node' })).toEqual({ kind: 'utility' });
  });

  it('runs the development engine on the Node that built its native modules', () => {
    expect(chooseEngineRuntime(false, { PA_NODE: '/opt/node20/bin/node' })).toEqual({
      kind: 'node',
      nodePath: '/opt/node20/bin/node',
    });
    expect(chooseEngineRuntime(false, {})).toEqual({ kind: 'node', nodePath: 'node' });
  });

  it('lets a developer opt into the utility process', () => {
    expect(chooseEngineRuntime(false, { PA_ENGINE_RUNTIME: 'utility' })).toEqual({ kind: 'utility' });
  });
});
