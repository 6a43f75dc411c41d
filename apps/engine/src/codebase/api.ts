// The codebase capability's door for other capabilities: chat's `@codebase` context and the agent's search tool ask
// the index through this, never through its files.
import type { CodebaseSearchParams, CodebaseSearchResult } from '@pa/shared';

export interface CodebaseService {
  /** Ranked chunks of the open folder (keyword, or hybrid when an embedding model is set). */
  search(params: CodebaseSearchParams): Promise<CodebaseSearchResult>;
}
