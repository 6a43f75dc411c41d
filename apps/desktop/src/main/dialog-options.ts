// What the page may ask of the native file picker, checked in main before any dialog opens (IPC input is untrusted).

export interface TextFileRequest {
  title: string;
  extensions: string[];
}

/** Larger files are not licenses or settings; reading them into the page through IPC would only stall it. */
export const MAX_PICKED_FILE_BYTES = 1024 * 1024;

const EXTENSION = /^[A-Za-z0-9]{1,16}$/;

/** The request as the dialog will use it, or null when the page sent something malformed. */
export function parseTextFileRequest(input: unknown): TextFileRequest | null {
  if (typeof input !== 'object' || input === null) return null;
  const { title, extensions } = input as { title?: unknown; extensions?: unknown };
  if (typeof title !== 'string' || title.length === 0 || title.length > 200) return null;
  if (!Array.isArray(extensions) || extensions.length > 20) return null;
  if (!extensions.every((extension): extension is string => typeof extension === 'string' && EXTENSION.test(extension)))
    return null;
  return { title, extensions: [...extensions] };
}
