// Turns a feature's inline SVG icon string into a CSS image URL. The activity bar draws it as a mask, so the
// markup is never inserted into the page: as an image it can neither run script nor load anything else.
const SVG_NS = 'http://www.w3.org/2000/svg';

/** `url("data:image/svg+xml,…")` for a string written as `<svg …>…</svg>`, else null (a glyph). */
export function svgIconUrl(icon: string): string | null {
  const markup = icon.trim();
  if (!/^<svg[\s>]/i.test(markup) || !/<\/svg>$/i.test(markup)) return null;
  const openTag = markup.slice(0, markup.indexOf('>'));
  // inline markup may leave out the namespace; a standalone SVG image is not drawn without it
  const standalone = /\sxmlns\s*=/.test(openTag) ? markup : `<svg xmlns="${SVG_NS}"${markup.slice(4)}`;
  // percent-encoded, with the few characters encodeURIComponent keeps, so nothing can end the url() early
  const encoded = encodeURIComponent(standalone).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16)}`);
  return `url("data:image/svg+xml,${encoded}")`;
}
