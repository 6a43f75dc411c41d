// The ai feature in the workbench: the chat panel, model settings, and "Edit with AI" (Ctrl/Cmd+I) whose overlay is
// mounted once over the editor. State lives in the controllers of AiServices, one set per activation of the
// feature; components render it.
import { toDisposable } from '@pa/shared';
import { createRoot } from 'react-dom/client';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { AiServices, type MountEditOverlay } from './ai-services';
import { ChatView } from './ChatView';
import { EditOverlay } from './EditOverlay';
import { ModelsView } from './ModelsView';
import './ai.css';

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"><path d="M4 5h16v11H9l-5 4z"/><path d="M8 9h8M8 12h5"/></svg>';
const MODELS_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6"><rect x="6" y="6" width="12" height="12" rx="2"/><path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4"/></svg>';

/** The overlay has its own React root on <body>, above the editor and outside the workbench's layout. */
const mountEditOverlay: MountEditOverlay = (edit) => {
  const host = document.createElement('div');
  host.className = 'ai-edit-host';
  document.body.append(host);
  const root = createRoot(host);
  root.render(<EditOverlay edit={edit} />);
  return toDisposable(() => {
    root.unmount();
    host.remove();
  });
};

export function aiFeature(): Contribution {
  const services = new FeatureSlot<AiServices>();
  return {
    id: 'ai',
    views: [
      {
        id: 'ai.chat',
        title: 'AI Chat',
        icon: CHAT_ICON,
        location: 'panel',
        order: 10,
        component: services.view((ai) => <ChatView chat={ai.chat} agent={ai.agent} />),
      },
      {
        id: 'ai.models',
        title: 'Models',
        icon: MODELS_ICON,
        location: 'sidebar',
        order: 30,
        component: services.view((ai) => <ModelsView models={ai.models} downloads={ai.downloads} sent={ai.sent} />),
      },
    ],
    commands: [
      { id: 'ai.openChat', title: 'AI: Open Chat', keybinding: 'Mod+Shift+I', run: (api) => api.showView('ai.chat') },
      { id: 'ai.models', title: 'AI: Model Settings', run: (api) => api.showView('ai.models') },
      // Mod+I as in VS Code's inline chat: Mod+K starts Monaco's chords (Ctrl+K Ctrl+C comments a line), left to them.
      {
        id: 'ai.editSelection',
        title: 'AI: Edit with AI',
        keybinding: 'Mod+I',
        run: () => services.current.value?.edit.start(),
      },
    ],
    activate: (api) => services.fill(() => new AiServices(api, mountEditOverlay)),
  };
}
