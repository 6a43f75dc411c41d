// The next frame on a raw socket or port that answers something: broadcast events (`{event, data}` — the codebase
// index's progress, a file change) may arrive at any time and are passed over. `auth` is the answer to a token.
interface FrameSource {
  on(event: 'message', listener: (data: unknown) => void): unknown;
  off(event: 'message', listener: (data: unknown) => void): unknown;
}

export function nextAnswer(source: FrameSource): Promise<string> {
  return new Promise((resolve) => {
    const listener = (data: unknown) => {
      const text = String(data);
      if (isBroadcast(text)) return;
      source.off('message', listener);
      resolve(text);
    };
    source.on('message', listener);
  });
}

function isBroadcast(text: string): boolean {
  try {
    const frame = JSON.parse(text) as unknown;
    return typeof frame === 'object' && frame !== null && 'event' in frame && frame.event !== 'auth';
  } catch {
    return false;
  }
}
