// The file (or selection) a chat question carries: written into the message as a fenced block the model reads, and
// read back out of it so the conversation shows a chip instead of the raw block (also for conversations reopened
// from history, which store only the text).

export interface Attachment {
  path: string;
  language: string;
  text: string;
  /** 1-based first and last line when a selection was attached, null for the whole file. */
  lines: { from: number; to: number } | null;
}

/** The message text: the question, then the attachment in a fence longer than any backtick run inside it. */
export function withAttachment(question: string, attachment: Attachment): string {
  const longest = Math.max(0, ...(attachment.text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const where = attachment.lines ? ` (lines ${attachment.lines.from}-${attachment.lines.to})` : '';
  return `${question}\n\nContext from ${attachment.path}${where}:\n${fence}${attachment.language}\n${attachment.text}\n${fence}`;
}

const BLOCK =
  /\n\nContext from (?<path>.+?)(?: \(lines (?<from>\d+)-(?<to>\d+)\))?:\n(?<fence>`{3,})(?<language>[^\n`]*)\n(?<text>[\s\S]*)\n\k<fence>$/;

/** Splits a user message into its question and attachment (null when it carries none). */
export function splitAttachment(content: string): { question: string; attachment: Attachment | null } {
  const match = BLOCK.exec(content);
  const groups = match?.groups;
  if (!match || !groups) return { question: content, attachment: null };
  const { path = '', from, to, language = '', text = '' } = groups;
  return {
    question: content.slice(0, match.index),
    attachment: {
      path,
      language,
      text,
      lines: from !== undefined && to !== undefined ? { from: Number(from), to: Number(to) } : null,
    },
  };
}
