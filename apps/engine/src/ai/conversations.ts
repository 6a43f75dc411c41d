// Chat history, persisted per workspace in the ai capability's SQLite table.
import { randomUUID } from 'node:crypto';
import { type Conversation, type ConversationMessage, type ConversationSummary, ErrorCode, PaError } from '@pa/shared';
import type { Store } from '../store/index.js';

export interface Conversations {
  list(workspace: string): ConversationSummary[];
  get(workspace: string, id: string): Conversation;
  save(workspace: string, conversation: { id?: string; title: string; messages: ConversationMessage[] }): string;
  delete(workspace: string, id: string): void;
}

export function createConversations(store: Store, clock: () => number): Conversations {
  const db = store.db;
  const list = db.prepare<[string], { id: string; title: string; updated_at: number }>(
    'SELECT id, title, updated_at FROM ai_conversations WHERE workspace = ? ORDER BY updated_at DESC LIMIT 200',
  );
  const get = db.prepare<[string, string], { id: string; title: string; messages: string; updated_at: number }>(
    'SELECT id, title, messages, updated_at FROM ai_conversations WHERE workspace = ? AND id = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO ai_conversations (id, workspace, title, messages, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, messages = excluded.messages, updated_at = excluded.updated_at
     WHERE workspace = excluded.workspace`,
  );
  const remove = db.prepare('DELETE FROM ai_conversations WHERE workspace = ? AND id = ?');
  return {
    list: (workspace) =>
      list.all(workspace).map((row) => ({ id: row.id, title: row.title, updatedAt: row.updated_at })),
    get(workspace, id) {
      const row = get.get(workspace, id);
      if (!row) throw new PaError(ErrorCode.NOT_FOUND, `No conversation ${id} in this workspace.`);
      return {
        id: row.id,
        title: row.title,
        updatedAt: row.updated_at,
        messages: JSON.parse(row.messages) as ConversationMessage[],
      };
    },
    save(workspace, conversation) {
      const id = conversation.id ?? randomUUID();
      upsert.run(id, workspace, conversation.title, JSON.stringify(conversation.messages), clock());
      return id;
    },
    delete(workspace, id) {
      remove.run(workspace, id);
    },
  };
}
