// Whether a file's bytes are text the editor and Live Share may hold as a string, decided by content as git does
// (a NUL byte in the first block), plus what git does not check and a string cannot carry: bytes that are not UTF-8
// (latin-1, UTF-16) would come back changed. Text is held with its line endings as they are; a UTF-8 byte order mark
// travels beside the text (Monaco drops it from its models), and joinBom puts it back for the write.

/** The first block git looks at (xdiff's FIRST_FEW_BYTES). */
export const SNIFF_BYTES = 8000;

export type BinaryReason = 'nul' | 'utf16' | 'not-utf8';

export type TextKind = { binary: true; reason: BinaryReason } | { binary: false; bom: boolean; eol: LineEndings };

/** `mixed`: both CRLF and lone LF, or a lone CR, which an editor model (Monaco) rewrites to one kind. */
export type LineEndings = 'lf' | 'crlf' | 'mixed' | 'none';

export const BOM = '\uFEFF';

/**
 * Classifies a file by its bytes. `complete`: `bytes` is the whole file, so every byte must be UTF-8 (else a
 * decode/encode round trip would change it); otherwise `bytes` is its first block and may end inside a character.
 */
export function inspectText(bytes: Uint8Array, complete = true): TextKind {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return { binary: true, reason: 'utf16' };
  if (head.includes(0)) return { binary: true, reason: 'nul' };
  const checked = complete ? bytes : head;
  if (!isUtf8(checked, !complete)) return { binary: true, reason: 'not-utf8' };
  return { binary: false, bom: startsWith(bytes, [0xef, 0xbb, 0xbf]), eol: lineEndingsOfBytes(checked) };
}

/** A human phrase for why a file is not opened as text ("contains NUL bytes"). */
export function binaryReasonText(reason: BinaryReason): string {
  switch (reason) {
    case 'nul':
      return 'binary (NUL bytes)';
    case 'utf16':
      return 'UTF-16 text (not UTF-8)';
    case 'not-utf8':
      return 'not UTF-8 text';
  }
}

/** Splits a decoded file into its byte order mark and the text an editor model holds. */
export function splitBom(content: string): { bom: boolean; text: string } {
  return content.startsWith(BOM) ? { bom: true, text: content.slice(1) } : { bom: false, text: content };
}

/** The string whose UTF-8 encoding is the file: the text with its byte order mark put back. */
export function joinBom(text: string, bom: boolean): string {
  return bom && !text.startsWith(BOM) ? BOM + text : text;
}

/** The line endings of a text, as lineEndingsOfBytes sees them in its bytes. */
export function lineEndings(text: string): LineEndings {
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d) {
      if (text.charCodeAt(i + 1) !== 0x0a) return 'mixed';
      crlf++;
      i++;
    } else if (code === 0x0a) lf++;
    if (crlf > 0 && lf > 0) return 'mixed';
  }
  return crlf > 0 ? 'crlf' : lf > 0 ? 'lf' : 'none';
}

function lineEndingsOfBytes(bytes: Uint8Array): LineEndings {
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x0d) {
      // a CR that ends a partial block may be followed by its LF in the next one
      if (i + 1 === bytes.length) break;
      if (bytes[i + 1] !== 0x0a) return 'mixed';
      crlf++;
      i++;
    } else if (byte === 0x0a) lf++;
    if (crlf > 0 && lf > 0) return 'mixed';
  }
  return crlf > 0 ? 'crlf' : lf > 0 ? 'lf' : 'none';
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). `truncated`: the bytes
 * are a prefix, so a character cut off at the very end is allowed.
 */
export function isUtf8(bytes: Uint8Array, truncated = false): boolean {
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const first = bytes[i] as number;
    if (first < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) need = 1;
    else if (first >= 0xe0 && first <= 0xef) {
      need = 2;
      if (first === 0xe0) min = 0xa0; // overlong
      if (first === 0xed) max = 0x9f; // surrogates
    } else if (first >= 0xf0 && first <= 0xf4) {
      need = 3;
      if (first === 0xf0) min = 0x90; // overlong
      if (first === 0xf4) max = 0x8f; // above U+10FFFF
    } else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= length) return truncated;
      const next = bytes[i + k] as number;
      const low = k === 1 ? min : 0x80;
      const high = k === 1 ? max : 0xbf;
      if (next < low || next > high) return false;
    }
    i += need + 1;
  }
  return true;
}
