// The model-quality check of the codebase index, for a machine that has a real embedding model (tests here build
// only the tiny generated one, whose "meaning" is a table of synonyms). It indexes a small project in process with
// the real chunker and the given ONNX model, asks questions that share no word with the code they are about, and
// fails unless the vector ranking alone puts the right function first for nearly all of them.
//
//   node --import tsx bench/check-embedding-model.ts /path/to/all-MiniLM-L6-v2/onnx/model.onnx
//
// (tokenizer.json beside the model or one folder up, as Hugging Face repositories have it). Exit code 0: passed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createChunker } from '../apps/engine/src/codebase/chunk/chunker.js';
import { createEmbedder } from '../apps/engine/src/codebase/embed/embedder.js';
import { Indexer } from '../apps/engine/src/codebase/indexer.js';
import { IndexStore } from '../apps/engine/src/codebase/store.js';

const FILES: Record<string, string> = {
  'src/auth.ts':
    'export function logout(session: Session): void {\n  session.token = null;\n  session.expires = 0;\n}\n\nexport function hashPassword(plain: string): string {\n  return scrypt(plain, salt, 64).toString("hex");\n}\n',
  'src/billing.ts':
    'export function refundInvoice(invoice: Invoice): Payment {\n  return gateway.reverse(invoice.chargeId, invoice.total);\n}\n\nexport function monthlyTotal(lines: Line[]): number {\n  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);\n}\n',
  'src/files.ts':
    'export async function readJson(path: string): Promise<unknown> {\n  return JSON.parse(await fs.readFile(path, "utf8"));\n}\n\nexport function zipFolder(dir: string, out: string): void {\n  archiver("zip").directory(dir, false).pipe(fs.createWriteStream(out));\n}\n',
  'src/mail.ts':
    'export async function sendWelcomeEmail(user: User): Promise<void> {\n  await smtp.send({ to: user.email, subject: "Welcome", body: template("welcome", user) });\n}\n',
  'src/geo.ts':
    'export function haversine(a: Point, b: Point): number {\n  const dLat = rad(b.lat - a.lat);\n  const dLon = rad(b.lon - a.lon);\n  return 2 * EARTH_RADIUS * Math.asin(Math.sqrt(sin2(dLat / 2) + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * sin2(dLon / 2)));\n}\n',
};

const QUESTIONS: Array<[question: string, name: string]> = [
  ['sign the user out', 'logout'],
  ['store credentials securely', 'hashPassword'],
  ['give a customer their money back', 'refundInvoice'],
  ['sum of prices times amounts', 'monthlyTotal'],
  ['load a configuration file from disk', 'readJson'],
  ['compress a directory into an archive', 'zipFolder'],
  ['greet someone who just registered', 'sendWelcomeEmail'],
  ['distance between two places on the globe', 'haversine'],
];

const modelPath = process.argv[2];
if (!modelPath) {
  process.stderr.write('usage: node --import tsx bench/check-embedding-model.ts MODEL.onnx\n');
  process.exit(2);
}
const root = mkdtempSync(join(tmpdir(), 'pa-model-check-'));
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
const embedder = await createEmbedder({ modelPath, threads: availableParallelism() });
const indexDir = mkdtempSync(join(tmpdir(), 'pa-model-check-index-'));
const store = new IndexStore(join(indexDir, 'index.sqlite'));
const indexer = new Indexer({ root, store, chunker: await createChunker(), embedder });
try {
  indexer.scan();
  await indexer.idle();
  let right = 0;
  for (const [question, name] of QUESTIONS) {
    // the question shares no word with the code: keywords find nothing, the vectors must
    const { hits } = await indexer.search({ query: question, limit: 3, mode: 'hybrid' });
    const first = hits[0]?.name ?? null;
    if (first === name) right++;
    process.stdout.write(`${first === name ? 'ok  ' : 'MISS'} ${question} → ${first ?? 'nothing'} (want ${name})\n`);
  }
  process.stdout.write(`${right}/${QUESTIONS.length} first; model ${embedder.modelId}, ${embedder.dim} dimensions\n`);
  process.exitCode = right >= QUESTIONS.length - 1 ? 0 : 1;
} finally {
  indexer.close();
  store.close();
  await embedder.dispose();
  rmSync(root, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
}
