// Where a model comes from, checked before a byte of it is fetched: only `hf:` URIs and http(s) URLs (no file:, no
// local paths through the downloader — pointing at a local file is the local provider's model path), a redirect
// chain that stays on http(s), a bare file name that stays inside the models folder, and what the server says of
// the size and (Hugging Face's `x-linked-etag`) the sha256.
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';

export type ParsedSource = { kind: 'hf'; uri: string } | { kind: 'url'; url: URL };

export function parseSource(source: string): ParsedSource {
  const trimmed = source.trim();
  if (/^hf:/i.test(trimmed)) {
    // hf:user/repo[:quant] or hf:user/repo/path/file.gguf[#branch]: names only, nothing that leaves the path
    const rest = trimmed.slice(3);
    if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+(?::[\w.-]+|(?:\/[\w.-]+)+(?:#[\w./-]+)?)?$/.test(rest) || rest.includes('..')) {
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `"${source}" is not a Hugging Face model URI; write hf:user/repo:quant (e.g. hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF:Q8_0) or hf:user/repo/file.gguf.`,
      );
    }
    return { kind: 'hf', uri: `hf:${rest}` };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `"${source}" is neither hf:user/repo:quant nor an http(s) URL. To use a GGUF file already on this machine, set it as the local provider's model path instead.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `Models download over http(s) or from hf: URIs only, not ${url.protocol} URLs. To use a file already on this machine, set it as the local provider's model path.`,
    );
  }
  if (url.username || url.password) {
    throw new PaError(ErrorCode.BAD_REQUEST, 'Put no user name or password in a model URL.');
  }
  return { kind: 'url', url };
}

/** A bare, harmless file name: folders stripped, control and reserved characters refused, `.gguf` at the end. */
export function safeFileName(name: string): string {
  const bare = basename(name.replaceAll('\\', '/'));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (!bare || bare === '.' || bare === '..' || bare.startsWith('.') || /[\u0000-\u001f\u007f<>:"|?*]/.test(bare)) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `"${name}" cannot be a model file name; give a plain name like model.gguf.`,
    );
  }
  if (bare.length > 200) throw new PaError(ErrorCode.BAD_REQUEST, 'The model file name is longer than 200 characters.');
  return bare.toLowerCase().endsWith('.gguf') ? bare : `${bare}.gguf`;
}

/** The file name a URL's path ends with (decoded), for a download that names none. */
export function fileNameOfUrl(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    // left encoded
  }
  return safeFileName(decoded || 'model.gguf');
}

/** `file` inside `dir` (never the folder itself, never outside it). */
export function confined(dir: string, file: string): string {
  const path = resolve(dir, file);
  const rel = relative(dir, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.includes('/') || rel.includes('\\')) {
    throw new PaError(ErrorCode.FORBIDDEN, `"${file}" would be written outside the models folder ${dir}.`);
  }
  return path;
}

export interface Probe {
  /** The URL after redirects (each hop checked). */
  url: string;
  sizeBytes: number | null;
  sha256: string | null;
  acceptsRanges: boolean;
}

const MAX_REDIRECTS = 10;

function headerSha256(headers: Headers): string | null {
  // Hugging Face: the LFS object's sha256, quoted, on the resolve URL's answer (before its redirect to the CDN)
  for (const name of ['x-linked-etag', 'x-sha256']) {
    const value = headers.get(name)?.replace(/^W\//, '').replaceAll('"', '').trim().toLowerCase();
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return null;
}

function headerSize(headers: Headers): number | null {
  for (const name of ['x-linked-size', 'content-length']) {
    const value = headers.get(name);
    if (value && /^\d{1,16}$/.test(value)) return Number(value);
  }
  return null;
}

/** HEAD the URL, following redirects by hand so a hop to file:, data: or any other scheme is refused. */
export async function probe(start: URL, signal: AbortSignal, headers: Record<string, string> = {}): Promise<Probe> {
  let url = start;
  let sha256: string | null = null;
  let sizeBytes: number | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal, headers });
    } catch (error) {
      if (signal.aborted) throw new PaError(ErrorCode.CANCELLED, 'The download was cancelled.');
      throw new PaError(
        ErrorCode.PROVIDER,
        `Could not reach ${url.host}: ${(error as Error).message}. Check the address and your connection.`,
      );
    }
    await response.body?.cancel().catch(() => {});
    sha256 ??= headerSha256(response.headers);
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      if (!location) throw new PaError(ErrorCode.PROVIDER, `${url.host} answered a redirect with nowhere to go.`);
      sizeBytes ??= response.headers.has('x-linked-size') ? headerSize(response.headers) : null;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new PaError(ErrorCode.PROVIDER, `${url.host} redirected to an address that is not a URL.`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new PaError(
          ErrorCode.FORBIDDEN,
          `${url.host} redirected the download to a ${next.protocol} URL; only http(s) is followed.`,
        );
      }
      url = next;
      continue;
    }
    if (response.status === 405 || response.status === 501) {
      // no HEAD: the downloader's own GET finds the size
      return { url: url.href, sizeBytes, sha256, acceptsRanges: false };
    }
    if (response.status === 401 || response.status === 403) {
      throw new PaError(
        ErrorCode.PROVIDER,
        `${url.host} refused the download (HTTP ${response.status}); the model may need a login or a licence acceptance on its page.`,
      );
    }
    if (response.status === 404)
      throw new PaError(ErrorCode.NOT_FOUND, `${url.href} was not found (HTTP 404); check the address.`);
    if (response.status < 200 || response.status >= 300) {
      throw new PaError(ErrorCode.PROVIDER, `${url.host} answered HTTP ${response.status}; try again later.`);
    }
    return {
      url: url.href,
      sizeBytes: sizeBytes ?? headerSize(response.headers),
      sha256,
      acceptsRanges: response.headers.get('accept-ranges') === 'bytes',
    };
  }
  throw new PaError(ErrorCode.PROVIDER, `More than ${MAX_REDIRECTS} redirects from ${start.host}.`);
}
