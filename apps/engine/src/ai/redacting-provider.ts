// Secrets never leave the machine by accident: every request to a provider that sends over the network (anything
// but the in-process local model) is redacted first (redact.ts: key and token formats, private keys, the values of
// the workspace's .env files), chat rounds with their tool rounds and code completions alike. It wraps the recording
// provider, so the record of what was sent (sent-log.ts) holds the redacted request: what actually left.
import type { InfillRequest, ModelProvider, ProviderRequest } from './providers/provider.js';
import { type Redactor, redactRequest } from './redact.js';
import { sendsOverNetwork } from './sent-log.js';

/** Told how many secrets one request had taken out (the transcript's "N secrets redacted"). */
export type RedactionListener = (count: number) => void;

/** A request may carry a listener for its own redactions (the agent's turn counts them). */
export type RedactableRequest = ProviderRequest & { onRedacted?: RedactionListener };

export function redactingProvider(provider: ModelProvider, redactor: () => Redactor): ModelProvider {
  if (!sendsOverNetwork(provider.config)) return provider;
  const infill = provider.infill;
  return {
    config: provider.config,
    ...(provider.supportsTools !== undefined ? { supportsTools: provider.supportsTools } : {}),
    stream(request: RedactableRequest, signal) {
      const { onRedacted, ...rest } = request;
      const redacted = redactRequest(rest, redactor());
      if (redacted.count > 0) onRedacted?.(redacted.count);
      return provider.stream(redacted.request, signal);
    },
    health: (signal) => provider.health(signal),
    ...(provider.dispose ? { dispose: () => (provider.dispose as () => Promise<void>)() } : {}),
    ...(infill
      ? {
          infill: (request: InfillRequest, signal: AbortSignal) => {
            const active = redactor();
            const text = (value: string) => active.redact(value).text;
            return infill.call(
              provider,
              {
                ...request,
                prefix: text(request.prefix),
                suffix: text(request.suffix),
                context: request.context.map((chunk) => ({ ...chunk, text: text(chunk.text) })),
              },
              signal,
            );
          },
        }
      : {}),
  };
}
