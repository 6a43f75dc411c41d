// The AI capability's door for other capabilities (workflow, MCP server): one routed generation.
export type TaskType = 'chat' | 'code-edit' | 'completion' | 'explain' | 'commit-message' | 'workflow';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

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
  /** Providers tried before the one that answered, with why they were skipped. */
  fallbacks: Array<{ providerId: string; reason: string }>;
  tokensIn: number;
  tokensOut: number;
  ttftMs: number;
  totalMs: number;
}

export interface AiService {
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
