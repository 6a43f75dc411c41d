import { describe, expect, it } from 'vitest';
import { inspectText, isUtf8, joinBom, lineEndings, SNIFF_BYTES, splitBom } from './text-file';

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
// this package has no Node or DOM types: UTF-8 by way of the URI escapes every JavaScript engine has
const utf8 = (text: string) => ascii(unescape(encodeURIComponent(text)));
const decode = (bytes: Uint8Array) => decodeURIComponent(escape(String.fromCharCode(...bytes)));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

describe('binary by content', () => {
  it('calls a PDF binary whatever its name (an Illustrator .ai file is a PDF)', () => {
    // the header of a real PDF: "%PDF-1.5", then a comment of high bytes that are not UTF-8 (no NUL in it)
    const pdf = new Uint8Array([
      ...ascii('%PDF-1.5\n%'),
      0xe2,
      0xe3,
      0xcf,
      0xd3,
      ...ascii('\n1 0 obj\n<<>>\nendobj\n'),
    ]);
    expect(inspectText(pdf)).toEqual({ binary: true, reason: 'not-utf8' });
    // and with a compressed stream (NUL bytes) in its first block
    const stream = new Uint8Array([...ascii('%PDF-1.7\nstream\n'), 0x78, 0x9c, 0x00, 0x01, 0x00]);
    expect(inspectText(stream)).toEqual({ binary: true, reason: 'nul' });
  });

  it('calls UTF-16 with a byte order mark binary: it is not UTF-8 and would come back changed', () => {
    expect(inspectText(new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]))).toEqual({
      binary: true,
      reason: 'utf16',
    });
    expect(inspectText(new Uint8Array([0xfe, 0xff, 0x00, 0x68]))).toEqual({ binary: true, reason: 'utf16' });
  });

  it('calls latin-1 text (invalid UTF-8) binary, in the first block or anywhere in a whole file', () => {
    const latin1 = ascii('caf\u00e9 cr\u00e8me\n');
    expect(inspectText(latin1)).toEqual({ binary: true, reason: 'not-utf8' });
    const late = new Uint8Array([...utf8('a'.repeat(SNIFF_BYTES * 2)), 0xe9, 0x0a]);
    expect(inspectText(late, true)).toEqual({ binary: true, reason: 'not-utf8' });
    // the first block alone (the explorer's check) is text, as git would say
    expect(inspectText(late.subarray(0, SNIFF_BYTES), false).binary).toBe(false);
  });

  it('calls a NUL after the first block text, as git does (it round-trips: U+0000 is UTF-8)', () => {
    const bytes = new Uint8Array([...utf8('x'.repeat(8192)), 0x00, ...utf8('tail\n')]);
    expect(inspectText(bytes)).toEqual({ binary: false, bom: false, eol: 'lf' });
    expect(same(utf8(decode(bytes)), bytes)).toBe(true);
  });

  it('keeps CRLF text, a byte order mark and multi-byte characters as text', () => {
    const crlf = utf8('\uFEFFline one\r\nzwei \u00fc\r\n\u{1F600}\r\n');
    expect(inspectText(crlf)).toEqual({ binary: false, bom: true, eol: 'crlf' });
    const { bom, text } = splitBom(decode(crlf));
    expect(bom).toBe(true);
    expect(lineEndings(text)).toBe('crlf');
    expect(same(utf8(joinBom(text, bom)), crlf)).toBe(true);
  });

  it('tells mixed line endings (CRLF with LF, or a lone CR) from uniform ones', () => {
    expect(inspectText(utf8('a\r\nb\nc'))).toMatchObject({ eol: 'mixed' });
    expect(inspectText(utf8('a\rb'))).toMatchObject({ eol: 'mixed' });
    expect(inspectText(utf8('a\nb\n'))).toMatchObject({ eol: 'lf' });
    expect(inspectText(utf8('one line'))).toMatchObject({ eol: 'none' });
    expect(lineEndings('a\r\nb\n')).toBe('mixed');
  });

  it('accepts a character cut off at the end of a first block, not one in a whole file', () => {
    const euro = utf8('\u20ac'); // 3 bytes
    expect(isUtf8(euro.subarray(0, 2), true)).toBe(true);
    expect(isUtf8(euro.subarray(0, 2), false)).toBe(false);
  });

  it('refuses overlong forms, surrogates and code points above U+10FFFF', () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
    ]) {
      expect(isUtf8(new Uint8Array(bytes)), bytes.join(',')).toBe(false);
    }
    expect(isUtf8(utf8('\u{10FFFF}\u{E000}\u07ff'))).toBe(true);
  });
});
