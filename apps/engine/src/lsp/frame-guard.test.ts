import { describe, expect, it } from 'vitest';
import { FrameGuard } from './frame-guard.js';

/** Writes `chunks` through a guard; what came out, or the error it stopped with. */
async function through(guard: FrameGuard, chunks: Buffer[]): Promise<{ out: string; error: string | null }> {
  let out = '';
  guard.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const done = new Promise<string | null>((resolve) => {
    guard.once('error', (error) => resolve(error.message));
    guard.once('end', () => resolve(null));
  });
  for (const chunk of chunks) guard.write(chunk);
  guard.end();
  return { out, error: await done };
}

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('FrameGuard', () => {
  it('passes well-formed frames through unchanged, however they are split', async () => {
    const text = frame('{"a":1}') + frame('{"b":"\r\n\r\n"}');
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(await through(new FrameGuard(), chunks)).toEqual({ out: text, error: null });
  });

  it('stops at a header announcing more than the cap, before the body arrives', async () => {
    const result = await through(new FrameGuard(1024), [Buffer.from('Content-Length: 52428800\r\n\r\n')]);
    expect(result.error).toMatch(/50 MB message/);
  });

  it('stops at garbage that never forms a header instead of buffering it', async () => {
    const result = await through(new FrameGuard(), [Buffer.from('Traceback (most recent call last):\n'.repeat(500))]);
    expect(result.error).toBe('The server wrote something that is not LSP.');
  });

  it('stops at a header without Content-Length', async () => {
    const result = await through(new FrameGuard(), [Buffer.from('Content-Type: x\r\n\r\n{}')]);
    expect(result.error).toMatch(/without Content-Length/);
  });
});
