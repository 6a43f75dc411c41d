// The part of a peer's awareness state that editors read back: its selection in a shared file, as two Yjs relative
// positions in y-monaco's format ({anchor, head}, each Yjs's relativePositionToJSON). Awareness arrives from other
// people over WebRTC and the relay, so it is parsed here before anything resolves it against the document.
import { z } from 'zod';

const id = z.object({ client: z.number().int().nonnegative(), clock: z.number().int().nonnegative() });

export const RelativePositionJson = z.object({
  type: id.nullish(),
  tname: z.string().max(256).nullish(),
  item: id.nullish(),
  assoc: z.number().int().optional(),
});
export type RelativePositionJson = z.infer<typeof RelativePositionJson>;

export const PeerSelection = z.object({ anchor: RelativePositionJson, head: RelativePositionJson });
export type PeerSelection = z.infer<typeof PeerSelection>;

/** A peer's selection, or null when its state has none or one that is not well formed. */
export function peerSelectionOf(state: unknown): PeerSelection | null {
  if (typeof state !== 'object' || state === null || !('selection' in state)) return null;
  const parsed = PeerSelection.safeParse(state.selection);
  return parsed.success ? parsed.data : null;
}
