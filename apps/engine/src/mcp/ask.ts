// `mcp.ask`: one question to the model router, for the `ask` tool of `pa mcp serve`. It needs the AI service, which
// is created after this capability (ai borrows MCP's tool catalog), so the engine registers it once ai exists.
import type { AiService } from '../ai/api.js';
import type { PartialHandlers } from '../rpc/handlers.js';

export function mcpAskHandlers(ai: AiService): PartialHandlers {
  return {
    'mcp.ask': async ({ prompt, system }, { actor }) => {
      const result = await ai.generate({
        task: 'chat',
        messages: [
          ...(system ? [{ role: 'system' as const, content: system }] : []),
          { role: 'user', content: prompt },
        ],
        actor,
      });
      return { text: result.text, providerId: result.providerId, model: result.model };
    },
  };
}
