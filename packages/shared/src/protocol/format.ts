// Format Document with the project's own formatter (owned by the format capability): Prettier or Biome, found in
// the workspace's node_modules next to its configuration, as VS Code's Prettier and Biome extensions do. Running
// one runs the project's code (its config, its plugins), so `format.document` answers only in a trusted workspace.
import { z } from 'zod';
import { method } from '../rpc.js';
import { RelPath } from './files.js';

export const FormatterName = z.enum(['prettier', 'biome']);
export type FormatterName = z.infer<typeof FormatterName>;

export const FORMATTER_LABELS: Record<FormatterName, string> = { prettier: 'Prettier', biome: 'Biome' };

/** Most characters of one document sent to a formatter. */
export const FORMAT_MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;

export const FormatterInfo = z.object({ name: FormatterName, version: z.string().max(100) });
export type FormatterInfo = z.infer<typeof FormatterInfo>;

export const FormatDetect = z.object({
  /** The one Format Document uses for the file in 'auto' (null: none applies; the language's own formatter does). */
  formatter: FormatterInfo.nullable(),
  /** Every project formatter installed and configured in the workspace that handles the file. */
  available: z.array(FormatterInfo),
});
export type FormatDetect = z.infer<typeof FormatDetect>;

export const formatMethods = {
  /** Which project formatter applies to `path`. Reads files only, so it answers in an untrusted workspace too. */
  'format.detect': method(z.strictObject({ path: RelPath.min(1) }), FormatDetect),
  /**
   * Formats `content` as the file at `path` with the project's formatter (`formatter`, or the detected one).
   * E_UNAUTHORIZED with data {trustNeeded: true} in an untrusted workspace; E_NOT_FOUND when no formatter applies;
   * E_BAD_REQUEST with the formatter's message when it refuses the text ("Prettier: SyntaxError … (3:5)");
   * E_TIMEOUT past its time limit; E_TOO_LARGE when it prints more than its output limit.
   */
  'format.document': method(
    z.strictObject({
      path: RelPath.min(1),
      content: z.string().max(FORMAT_MAX_DOCUMENT_CHARS),
      formatter: FormatterName.optional(),
    }),
    z.object({ content: z.string(), formatter: FormatterInfo }),
  ),
} as const;
