// The ai feature's controllers for one activation of the feature: chat, "Edit with AI" and model settings. They are
// created together when the workbench activates the feature and go with it: a chat answer or an edit proposal
// still streaming is stopped, so the engine does not keep generating for a window that is gone.
import { type Disposable, DisposableStore } from '@pa/shared';
import { AgentController } from '../agent/agent-controller';
import type { WorkbenchApi } from '../workbench/contributions';
import { ChatController } from './chat-controller';
import { EditController } from './edit-controller';
import { ModelDownloadsController } from './model-downloads-controller';
import { ModelsController } from './models-controller';
import { SentController } from './sent-controller';

/** Puts the edit overlay on the page; the result takes it off. */
export type MountEditOverlay = (edit: EditController) => Disposable;

export class AiServices implements Disposable {
  readonly chat: ChatController;
  /** Plan and Agent turns in the chat panel (Stop and the end of the activation stop them with the chat's). */
  readonly agent: AgentController;
  readonly edit: EditController;
  readonly models: ModelsController;
  readonly downloads: ModelDownloadsController;
  readonly sent: SentController;
  private readonly store = new DisposableStore();

  constructor(api: WorkbenchApi, mountEditOverlay: MountEditOverlay) {
    this.chat = new ChatController(api);
    this.store.defer(this.chat.followSettings(api.settings.effective));
    this.agent = new AgentController(api, this.chat);
    this.edit = new EditController(api);
    this.models = this.store.add(new ModelsController(api));
    this.downloads = this.store.add(new ModelDownloadsController(api, () => void this.models.refresh()));
    this.sent = new SentController(api);
    this.store.defer(() => this.stopStreams());
    this.store.add(mountEditOverlay(this.edit));
  }

  dispose(): void {
    this.store.dispose();
  }

  private stopStreams(): void {
    this.chat.stop();
    if (this.edit.state.value.phase !== 'idle') this.edit.reject();
  }
}
