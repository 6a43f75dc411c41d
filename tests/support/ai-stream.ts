// Reads one AI stream of the real engine (`ai.chat`, `ai.complete`, `ai.edit`) to its end: the tokens as they came,
// then the single `ai.done` or `ai.error` that closes it.
import type { EventData, RpcClient } from '@pa/shared';

export type AiStreamEnd =
  | { event: 'ai.done'; data: EventData<'ai.done'>; tokens: string[] }
  | { event: 'ai.error'; data: EventData<'ai.error'>; tokens: string[] };

/** Collects a stream's tokens until its ai.done or ai.error; `onToken` sees each token as it arrives. */
export function collectAiStream(
  client: RpcClient,
  streamId: string,
  onToken?: (text: string) => void,
): Promise<AiStreamEnd> {
  return new Promise((resolve) => {
    const tokens: string[] = [];
    const subscription = client.onStream(streamId, (event, data) => {
      if (event === 'ai.token') {
        const text = (data as EventData<'ai.token'>).text;
        tokens.push(text);
        onToken?.(text);
      } else if (event === 'ai.done' || event === 'ai.error') {
        // deferred: early events are replayed inside onStream, before `subscription` is assigned
        queueMicrotask(() => subscription.dispose());
        resolve({ event, data, tokens } as AiStreamEnd);
      }
    });
  });
}
