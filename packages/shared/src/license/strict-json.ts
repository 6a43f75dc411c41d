// JSON.parse that also refuses duplicate object keys: `{"edition":"personal","edition":"enterprise"}` means
// different things to different parsers, so a signed payload must not contain it.

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; reason: 'bad_json' | 'duplicate_key' };

export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
  return findDuplicateKey(text) === null ? { ok: true, value } : { ok: false, reason: 'duplicate_key' };
}

/** Scans syntactically valid JSON and returns the first key repeated within one object, or null. */
export function findDuplicateKey(text: string): string | null {
  const frames: Array<{ keys: Set<string>; expectKey: boolean } | null> = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const frame = frames.at(-1);
      if (frame?.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) return key;
        frame.keys.add(key);
        frame.expectKey = false;
      }
      i = end;
    } else if (char === '{') frames.push({ keys: new Set(), expectKey: true });
    else if (char === '[') frames.push(null);
    else if (char === '}' || char === ']') frames.pop();
    else if (char === ',') {
      const frame = frames.at(-1);
      if (frame) frame.expectKey = true;
    }
  }
  return null;
}
