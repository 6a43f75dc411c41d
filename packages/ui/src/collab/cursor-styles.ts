// y-monaco marks remote selections with the classes yRemoteSelection-<clientId> / yRemoteSelectionHead-<clientId>;
// this turns the participants into the CSS that colours them and labels each cursor with its owner's name.
import type { Participant } from './presence';

/** `labels: false` (Settings › Collaboration › Show Cursor Labels off): colours only, no names over the cursors. */
export function cursorCss(participants: readonly Participant[], options: { labels?: boolean } = {}): string {
  const labels = options.labels ?? true;
  return participants
    .filter((participant) => !participant.self)
    .map(({ clientId, color, name }) => {
      const safeColor = /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : '#888888';
      const rules = [
        `.yRemoteSelection-${clientId} { background-color: ${safeColor}40; }`,
        `.yRemoteSelectionHead-${clientId} { border-left: 2px solid ${safeColor}; }`,
      ];
      if (labels) {
        rules.push(
          `.yRemoteSelectionHead-${clientId}::after { content: ${cssString(name)}; background: ${safeColor}; }`,
        );
      }
      return rules.join('\n');
    })
    .join('\n');
}

/** A CSS string literal: a peer chooses its own name, so nothing in it may end the string or the rule. */
export function cssString(text: string): string {
  const escaped = [...text.slice(0, 40)]
    .map((char) => (/[A-Za-z0-9 _.,:;!?()@#&+=*'-]/.test(char) ? char : `\\${char.codePointAt(0)?.toString(16)} `))
    .join('');
  return `"${escaped}"`;
}
