// The AI capability's door for other capabilities (workflow, MCP server): one routed generation.
import type { ChatTurn, Fallback, TaskType } from '@pa/shared';

export type { ChatTurn, TaskType } from '@pa/shared';

export interface GenerateRequest {
  task: TaskType;
  messages: ChatTurn[];
  /** A provider id, or undefined for "Auto". */
  provider?: string;
  maxTokens?: number;
  temperature?: number;
  actor: string;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  providerId: string;
  model: string;
  /** Why the router picked this provider (latency, load, cost, priority…). */
  reasons: string[];
  /** Providers tried before the one that answered, with why they were skipped. */
  fallbacks: Fallback[];
  tokensIn: number;
  tokensOut: number;
  ttftMs: number;
  totalMs: number;
}

export interface AiService {
  /**
   * Routes one request. Rejects with PaError: E_NOT_FOUND (unknown pinned provider), E_LICENSE, E_QUOTA,
   * E_UNAVAILABLE (no provider can take it), E_PROVIDER (all failed, or one failed mid-answer), E_CANCELLED.
   */
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
