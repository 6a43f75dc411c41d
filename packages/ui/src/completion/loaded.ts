// The completion feature's lazy chunk: the controller (Monaco's provider, the requester, the context ring) and the
// status item that shows it, fetched when the first file opens.
import type { Disposable } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { CompletionController } from './controller';

export { CompletionStatusItem } from './StatusItem';

export class LoadedCompletion implements Disposable {
  readonly controller: CompletionController;

  constructor(api: WorkbenchApi) {
    this.controller = new CompletionController(api);
  }

  dispose(): void {
    this.controller.dispose();
  }
}
