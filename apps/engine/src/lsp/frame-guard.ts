// Reads a server's stdout ahead of vscode-jsonrpc and stops it at the first frame we will not hold in memory: a
// header that never ends (garbage on stdout), a header without Content-Length, or a body over the cap. vscode-jsonrpc
// itself buffers whatever Content-Length says, so without this a server could make the engine allocate any amount.
import { Transform, type TransformCallback } from 'node:stream';

/** Largest message body taken from a server (a workspace's symbols or a big file's diagnostics fit easily). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export class FrameGuard extends Transform {
  private header: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;

  constructor(private readonly maxBody = MAX_MESSAGE_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const refusal = this.scan(chunk);
    if (refusal) callback(new FrameError(refusal));
    else callback(null, chunk);
  }

  /** Follows the frames in `chunk`; why the stream must stop, or null. */
  private scan(chunk: Buffer): string | null {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      const pending = Buffer.concat([this.header, chunk.subarray(offset)]);
      const end = pending.indexOf(HEADER_END);
      if (end < 0) {
        if (pending.length > MAX_HEADER_BYTES) return 'The server wrote something that is not LSP.';
        this.header = pending;
        return null;
      }
      if (end > MAX_HEADER_BYTES) return 'The server wrote something that is not LSP.';
      const length = /^content-length:\s*([0-9]{1,12})\s*$/im.exec(pending.subarray(0, end).toString('latin1'));
      if (!length?.[1]) return 'The server sent a message without Content-Length.';
      const bytes = Number(length[1]);
      if (bytes > this.maxBody) {
        return `The server sent a ${Math.round(bytes / 1024 / 1024)} MB message (the cap is ${this.maxBody / 1024 / 1024} MB).`;
      }
      offset += end + HEADER_END.length - this.header.length;
      this.header = Buffer.alloc(0);
      this.bodyLeft = bytes;
    }
    return null;
  }
}
