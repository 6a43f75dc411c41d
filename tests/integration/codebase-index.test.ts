// The codebase index end to end in one process: the real tree-sitter chunker, the real onnxruntime-node embedder
// running the tiny generated model, the real SQLite store (FTS5, the vectors table and its in-memory scan). Retrieval on the keyword path and the
// hybrid path; what is left out (.gitignore, .aiignore, binaries, large files); incremental reindexing that embeds
// only changed chunks; the index surviving a restart; a model swap; deletions.
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexStatus } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChunker } from '../../apps/engine/src/codebase/chunk/chunker.js';
import { createEmbedder, type Embedder } from '../../apps/engine/src/codebase/embed/embedder.js';
import { type EmbedderLike, Indexer } from '../../apps/engine/src/codebase/indexer.js';
import { IndexStore } from '../../apps/engine/src/codebase/store.js';
import { ensureTinyEmbedModel } from '../../scripts/make-tiny-onnx.js';
import { TempFolders, writeBelow } from '../support/workspace.js';

const folders = new TempFolders();

const ACCOUNT = `// Accounts of the people who use the service.
import { db } from './db';

/** Removes a user and everything they own. */
export async function deleteAccount(userId: string): Promise<void> {
  await db.sessions.drop(userId);
  await db.users.remove(userId);
}

export function accountLabel(name: string): string {
  return name.trim();
}
`;

const HTTP = `export async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(\`HTTP \${response.status}\`);
  return response.json();
}
`;

const CONFIG = `def load_settings(path):
    """Reads the options file."""
    with open(path) as handle:
        return parse(handle.read())
`;

/** Counts what the indexer asks the model to embed. */
function counting(embedder: Embedder): EmbedderLike & { texts: string[] } {
  const texts: string[] = [];
  return {
    dim: embedder.dim,
    modelId: embedder.modelId,
    texts,
    embed: (batch, signal) => {
      texts.push(...batch);
      return embedder.embed(batch, signal);
    },
  };
}

describe('the codebase index (in process)', () => {
  let root: string;
  let dbPath: string;
  let embedder: Embedder;
  let chunker: Awaited<ReturnType<typeof createChunker>>;
  let store: IndexStore;
  let indexer: Indexer;
  let model: ReturnType<typeof counting>;
  const statuses: IndexStatus[] = [];

  const open = (withModel: EmbedderLike | null) => {
    store = new IndexStore(dbPath);
    indexer = new Indexer({
      root,
      store,
      chunker,
      embedder: withModel,
      embeddingsNote: withModel ? null : 'no model',
      onStatus: (status) => statuses.push(status),
    });
    indexer.scan();
    return indexer.idle();
  };
  const close = () => {
    indexer.close();
    store.close();
  };

  beforeAll(async () => {
    root = folders.make('pa-index-ws-');
    dbPath = join(folders.make('pa-index-db-'), 'index.sqlite');
    writeBelow(root, 'src/account.ts', ACCOUNT);
    writeBelow(root, 'src/http.ts', HTTP);
    writeBelow(root, 'tools/config.py', CONFIG);
    writeBelow(root, 'README.md', '# Demo\n\nA service that keeps user accounts.\n');
    writeBelow(root, '.gitignore', 'dist/\n');
    writeBelow(root, 'dist/bundle.js', 'function deleteAccount(){/* built */}\n');
    writeBelow(root, '.aiignore', 'secrets/\n');
    writeBelow(root, 'secrets/keys.ts', 'export const deleteAccountKey = "sk-do-not-send";\n');
    writeBelow(root, 'logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]));
    writeBelow(root, 'data/huge.txt', `deleteAccount ${'x'.repeat(1_100_000)}\n`);
    const tiny = ensureTinyEmbedModel();
    embedder = await createEmbedder({ modelPath: tiny.modelPath, threads: 2 });
    chunker = await createChunker();
    model = counting(embedder);
    await open(model);
  });

  afterAll(async () => {
    close();
    await embedder?.dispose();
    folders.removeAll();
  });

  it('indexes the text files it may, and reports its progress until ready', () => {
    const status = indexer.status();
    expect(status).toMatchObject({ state: 'ready', filesIndexed: 6, embeddingModel: embedder.modelId, error: null });
    // dist/ (.gitignore), secrets/ (.aiignore), the PNG and the 1 MB file are left out
    expect(store.indexedPaths().sort()).toEqual([
      '.aiignore',
      '.gitignore',
      'README.md',
      'src/account.ts',
      'src/http.ts',
      'tools/config.py',
    ]);
    expect(status.embedded).toBe(status.chunks);
    expect(statuses.some((one) => one.state === 'indexing')).toBe(true);
    expect(statuses.at(-1)?.state).toBe('ready');
  });

  it('finds a function by its name words on the keyword path, never from ignored files', async () => {
    const result = await indexer.search({ query: 'delete account', limit: 10, mode: 'keyword' });
    expect(result.hybrid).toBe(false);
    expect(result.hits[0]).toMatchObject({ path: 'src/account.ts', kind: 'function', name: 'deleteAccount' });
    expect(result.hits[0]?.via).toEqual(['keyword']);
    const paths = result.hits.map((hit) => hit.path);
    expect(paths).not.toContain('dist/bundle.js');
    expect(paths).not.toContain('secrets/keys.ts');
    expect(paths).not.toContain('data/huge.txt');
  });

  it('finds by meaning what no keyword matches, on the hybrid path', async () => {
    const keyword = await indexer.search({ query: 'erase person', limit: 10, mode: 'keyword' });
    expect(keyword.hits.map((hit) => hit.name)).not.toContain('deleteAccount');
    const hybrid = await indexer.search({ query: 'erase person', limit: 3, mode: 'hybrid' });
    expect(hybrid.hybrid).toBe(true);
    expect(hybrid.hits[0]).toMatchObject({ path: 'src/account.ts', name: 'deleteAccount' });
    expect(hybrid.hits[0]?.via).toEqual(['vector']);
  });

  it('reads .aiignore again at query time: a file excluded after indexing never comes back', async () => {
    writeFileSync(join(root, '.aiignore'), 'secrets/\nsrc/http.ts\n');
    try {
      const result = await indexer.search({ query: 'fetch json', limit: 10, mode: 'hybrid' });
      expect(result.hits.map((hit) => hit.path)).not.toContain('src/http.ts');
    } finally {
      writeFileSync(join(root, '.aiignore'), 'secrets/\n');
    }
  });

  it('re-embeds only the chunks a change touched', async () => {
    model.texts.length = 0;
    writeFileSync(
      join(root, 'src/account.ts'),
      `${ACCOUNT}\nexport function suspendAccount(userId: string): void {\n  console.log('suspend', userId);\n}\n`,
    );
    indexer.changed(['src/account.ts']);
    await indexer.idle();
    expect(model.texts).toHaveLength(1);
    expect(model.texts[0]).toContain('suspendAccount');
    const hits = (await indexer.search({ query: 'suspend account', limit: 5, mode: 'keyword' })).hits;
    expect(hits[0]?.name).toBe('suspendAccount');

    // the same content written again (a checkout, a touch): nothing is chunked or embedded
    model.texts.length = 0;
    writeFileSync(join(root, 'src/http.ts'), HTTP);
    indexer.changed(['src/http.ts']);
    await indexer.idle();
    expect(model.texts).toHaveLength(0);
  });

  it('survives a restart: the next start only checks each file', async () => {
    const before = indexer.status();
    close();
    model.texts.length = 0;
    await open(model);
    expect(model.texts).toHaveLength(0);
    expect(indexer.status()).toMatchObject({ chunks: before.chunks, embedded: before.embedded, state: 'ready' });
    expect((await indexer.search({ query: 'erase person', limit: 1, mode: 'hybrid' })).hits[0]?.name).toBe(
      'deleteAccount',
    );
  });

  it('forgets deleted files and folders', async () => {
    unlinkSync(join(root, 'src/http.ts'));
    indexer.changed(['src/http.ts']);
    rmSync(join(root, 'tools'), { recursive: true });
    indexer.changed(['tools']);
    await indexer.idle();
    expect(store.indexedPaths().sort()).toEqual(['.aiignore', '.gitignore', 'README.md', 'src/account.ts']);
    const hits = (await indexer.search({ query: 'fetch json settings', limit: 10, mode: 'keyword' })).hits;
    expect(hits.map((hit) => hit.path)).not.toContain('src/http.ts');
    expect(hits.map((hit) => hit.path)).not.toContain('tools/config.py');
    writeBelow(root, 'src/http.ts', HTTP);
    writeBelow(root, 'tools/config.py', CONFIG);
    indexer.changed(['src/http.ts', 'tools']);
    await indexer.idle();
    expect(store.indexedPaths()).toHaveLength(6);
  });

  it('keeps working on keywords without a model, and embeds everything again for a new one', async () => {
    indexer.setEmbedder(null, 'no model');
    await indexer.idle();
    const status = indexer.status();
    expect(status).toMatchObject({ embeddingModel: null, embeddingsNote: 'no model', embedded: 0 });
    const keywordOnly = await indexer.search({ query: 'delete account', limit: 3, mode: 'hybrid' });
    expect(keywordOnly.hybrid).toBe(false);
    expect(keywordOnly.hits[0]?.name).toBe('deleteAccount');
    model.texts.length = 0;
    indexer.setEmbedder(model);
    await indexer.idle();
    expect(indexer.status().embedded).toBe(status.chunks);
    expect(model.texts.length).toBeGreaterThan(0);
  });
});
