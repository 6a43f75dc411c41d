// The integrated terminal in the bottom panel: the Terminal view (its TerminalController lives as long as the
// feature's activation), Ctrl+` to show or hide it, Ctrl+Shift+` for a new terminal.
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { TerminalView } from './TerminalView';
import { terminalBridge } from './terminal-bridge';
import { TERMINAL_VIEW_ID, TerminalController } from './terminal-controller';
import './terminal.css';

export { TERMINAL_VIEW_ID } from './terminal-controller';

const TERMINAL_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="4.5" width="18" height="15" rx="2"/><path d="M7 9.5l3 2.5-3 2.5M12.5 15h4.5"/></svg>';

export function terminalFeature(): Contribution {
  const controller = new FeatureSlot<TerminalController>();
  return {
    id: 'terminal',
    views: [
      {
        id: TERMINAL_VIEW_ID,
        title: 'Terminal',
        icon: TERMINAL_ICON,
        location: 'bottom',
        order: 10,
        component: controller.view((terminals) => <TerminalView controller={terminals} />),
      },
    ],
    commands: [
      {
        id: 'terminal.toggle',
        title: 'View: Toggle Terminal',
        keybinding: 'Ctrl+`',
        run: (api) => {
          api.toggleView(TERMINAL_VIEW_ID);
          void controller.current.value?.ensureOne();
        },
      },
      {
        id: 'terminal.new',
        title: 'Terminal: Create New Terminal',
        keybinding: 'Ctrl+Shift+`',
        run: (api) => {
          api.showView(TERMINAL_VIEW_ID);
          void controller.current.value?.create();
        },
      },
      {
        id: 'terminal.split',
        title: 'Terminal: Split Terminal',
        run: (api) => {
          api.showView(TERMINAL_VIEW_ID);
          void controller.current.value?.toggleSplit();
        },
      },
      {
        id: 'terminal.kill',
        title: 'Terminal: Kill the Active Terminal',
        run: () => {
          const terminals = controller.current.value;
          const active = terminals?.state.value.active;
          if (terminals && active) void terminals.kill(active);
        },
      },
    ],
    activate: (api) => {
      const filled = controller.fill(() => new TerminalController(api));
      const terminals = controller.current.value;
      // the agent's commands run in a terminal tab while this feature is active
      const bridge = terminals && {
        size: () => terminals.nextSize(),
        reveal: async (id: string) => {
          // the tab first: a view shown with no tab would open a shell of its own
          await terminals.reveal(id);
          api.showView(TERMINAL_VIEW_ID);
        },
      };
      terminalBridge.set(bridge);
      return {
        dispose: () => {
          if (terminalBridge.value === bridge) terminalBridge.set(null);
          filled.dispose();
        },
      };
    },
  };
}
