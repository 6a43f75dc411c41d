// The typescript feature: Monaco's TypeScript service fed the workspace's project (controller.ts) — hover, go to /
// peek definition, references, rename across files, signature help, quick fixes (missing imports among them) and
// diagnostics — loaded when the first TS/JS file opens; a status item says which project it reads.
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { useObservable } from '../workbench/observable';
import { TypeScriptController } from './controller';

function TypeScriptStatusItem({ controller }: { controller: TypeScriptController }) {
  const state = useObservable(controller.state);
  if (state.phase === 'idle') return null;
  const label =
    state.phase === 'loading'
      ? 'TypeScript: loading project…'
      : state.phase === 'error'
        ? 'TypeScript: failed'
        : '{ } TypeScript';
  const title =
    state.phase === 'error'
      ? (state.message ?? 'The project could not be loaded.')
      : `${state.configPath ?? 'No tsconfig.json: default options'} — ${state.files} files${state.message ? `\n${state.message}` : ''}`;
  return (
    <span className="status-item" data-testid="typescript-status" data-phase={state.phase} title={title}>
      {label}
    </span>
  );
}

export function typescriptFeature(): Contribution {
  const controller = new FeatureSlot<TypeScriptController>();
  return {
    id: 'typescript',
    activate: (api) => controller.fill(() => new TypeScriptController(api)),
    statusItems: [
      {
        id: 'typescript.status',
        align: 'right',
        order: 20,
        component: controller.view((typescript) => <TypeScriptStatusItem controller={typescript} />),
      },
    ],
  };
}
