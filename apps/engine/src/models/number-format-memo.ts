// ipull (node-llama-cpp's downloader underneath) formats a human-readable status on every network read of ~64 KB
// (pretty-bytes and its own percentage: Number#toLocaleString with options, four calls a read), and each such call
// builds a new Intl.NumberFormat — most of a fast download's CPU: a 200 MB pull from loopback took 2.3× a plain
// fetch. No option turns the status off. While the models capability downloads, Number#toLocaleString(locales,
// options) reuses one Intl.NumberFormat per (locales, options), which is what the call is defined to do with a new one
// (ECMA-402: Number.prototype.toLocaleString = new Intl.NumberFormat(locales, options).format(x)): the same text,
// without the construction. Options that cannot be a key (not JSON) take the original path. Installed counted, the
// original restored when the last holder releases it.
const original = Number.prototype.toLocaleString;
/** Formatters kept at most (a download uses four); past it the oldest goes. */
const MAX_FORMATTERS = 32;
const formatters = new Map<string, Intl.NumberFormat>();
let holders = 0;

function memoized(this: number, locales?: string | string[], options?: Intl.NumberFormatOptions): string {
  let key: string;
  try {
    key = JSON.stringify([locales ?? null, options ?? null]);
  } catch {
    return original.call(this, locales, options);
  }
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locales, options);
    formatters.set(key, formatter);
    if (formatters.size > MAX_FORMATTERS) formatters.delete(formatters.keys().next().value as string);
  }
  return formatter.format(this);
}

/** Installs the memo (counted); the returned function releases this holder's hold. */
export function holdNumberFormatMemo(): () => void {
  if (holders++ === 0) Number.prototype.toLocaleString = memoized as typeof original;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      Number.prototype.toLocaleString = original;
      formatters.clear();
    }
  };
}
