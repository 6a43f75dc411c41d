// The ai feature in the workbench: the chat panel, model settings, and "Edit with AI" (Ctrl/Cmd+I) whose overlay is
// mounted once over the editor. State lives in ChatController / EditController; components render it.
import { createRoot } from 'react-dom/client';
import type { Contribution } from '../workbench/contributions';
import { ChatView } from './ChatView';
import { ChatController } from './chat-controller';
import { EditOverlay } from './EditOverlay';
import { EditController } from './edit-controller';
import { ModelsView } from './ModelsView';
import './ai.css';

let chat: ChatController | null = null;
let edit: EditController | null = null;

function ChatPanel() {
  return chat ? <ChatView chat={chat} /> : null;
}

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"><path d="M4 5h16v11H9l-5 4z"/><path d="M8 9h8M8 12h5"/></svg>';
const MODELS_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6"><rect x="6" y="6" width="12" height="12" rx="2"/><path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4"/></svg>';

export const aiContribution: Contribution = {
  id: 'ai',
  views: [
    { id: 'ai.chat', title: 'AI Chat', icon: CHAT_ICON, location: 'panel', order: 10, component: ChatPanel },
    { id: 'ai.models', title: 'Models', icon: MODELS_ICON, location: 'sidebar', order: 30, component: ModelsView },
  ],
  commands: [
    { id: 'ai.openChat', title: 'AI: Open Chat', keybinding: 'Mod+Shift+I', run: (api) => api.showView('ai.chat') },
    { id: 'ai.models', title: 'AI: Model Settings', run: (api) => api.showView('ai.models') },
    // Mod+I as in VS Code's inline chat: Mod+K starts Monaco's chords (Ctrl+K Ctrl+C comments a line), left to them.
    { id: 'ai.editSelection', title: 'AI: Edit with AI', keybinding: 'Mod+I', run: () => edit?.start() },
  ],
  activate(api) {
    chat = new ChatController(api);
    edit = new EditController(api);
    const host = document.createElement('div');
    host.className = 'ai-edit-host';
    document.body.append(host);
    const root = createRoot(host);
    root.render(<EditOverlay edit={edit} />);
    const mine = { chat, edit };
    return {
      dispose: () => {
        root.unmount();
        host.remove();
        if (chat === mine.chat) chat = null;
        if (edit === mine.edit) edit = null;
      },
    };
  },
};
