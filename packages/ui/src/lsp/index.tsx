// The lsp feature: language servers for Python, Go, Rust and C/C++ behind Monaco's hover, go to definition,
// references, rename, outline, formatting and squiggles (lsp-controller.ts); a status item for the active file's
// server (running, missing with its install command, or waiting for the folder's trust); Format Document.
import { LSP_LANGUAGE_NAMES } from '@pa/shared';
import type { Contribution, WorkbenchApi } from '../workbench/contributions';
import { FORMAT_DOCUMENT_COMMAND } from '../workbench/controller';
import { FeatureSlot } from '../workbench/feature-slot';
import { useObservable } from '../workbench/observable';
import { activateOnFirstFile } from './activation';
import type { LspController } from './lsp-controller';

function LspStatusItem({ controller }: { controller: LspController }) {
  const language = useObservable(controller.active);
  const servers = useObservable(controller.servers);
  const state = language ? servers.get(language) : undefined;
  if (!language || !state) return null;
  const name = LSP_LANGUAGE_NAMES[language];
  const label =
    state.phase === 'running'
      ? `{ } ${name}`
      : state.phase === 'starting' || state.phase === 'restarting'
        ? `${name}: starting…`
        : state.phase === 'untrusted'
          ? `${name}: trust folder`
          : state.phase === 'missing'
            ? `${name}: no language server`
            : `${name}: server stopped`;
  const title = state.install.length > 0 ? `${state.message}\nInstall: ${state.install.join('  or  ')}` : state.message;
  if (state.phase === 'untrusted') {
    return (
      <button
        type="button"
        className="status-item"
        data-testid="lsp-status"
        data-phase={state.phase}
        title={title}
        onClick={() => void controller.trustAndStart(language)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="status-item" data-testid="lsp-status" data-phase={state.phase} title={title}>
      {label}
    </span>
  );
}

/**
 * Format Document: the project's own Prettier or Biome when it has one for the file (project-format.ts), else
 * whatever formatter Monaco has for it (its JSON/CSS/TS ones, a language server's).
 */
async function formatDocument(api: WorkbenchApi): Promise<void> {
  const editor = api.editor();
  const model = editor?.getModel();
  if (!editor || !model) return;
  const { formatWithProject } = await import('./project-format');
  if (await formatWithProject(api, editor, model)) return;
  const action = editor.getAction('editor.action.formatDocument');
  if (!action?.isSupported()) {
    api.notify(`There is no formatter for ${model.getLanguageId()} files installed.`, 'info');
    return;
  }
  await action.run();
}

export function lspFeature(): Contribution {
  const controller = new FeatureSlot<LspController>();
  return {
    id: 'lsp',
    activate: (api) =>
      activateOnFirstFile(api, controller, async () => {
        const { LspController } = await import('./lsp-controller');
        return () => new LspController(api);
      }),
    statusItems: [
      {
        id: 'lsp.status',
        align: 'right',
        order: 21,
        component: controller.view((lsp) => <LspStatusItem controller={lsp} />),
      },
    ],
    commands: [
      { id: FORMAT_DOCUMENT_COMMAND, title: 'Format Document', keybinding: 'Shift+Alt+F', run: formatDocument },
    ],
  };
}
