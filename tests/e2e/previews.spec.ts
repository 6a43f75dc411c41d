// Previews and the one command palette end to end, in browser mode against the real engine: a Markdown preview
// that follows the unsaved buffer (its relative image loaded through the engine, its remote one a placeholder that
// is never fetched, its code coloured), an image preview with its dimensions (and a hostile SVG whose script does
// not run), and F1 inside Monaco opening our palette with Monaco's own actions in it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

/** A real PNG of `width` × `height` opaque blue pixels. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0x3b, 0x82, 0xf6]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const README = [
  '# Sample project',
  '',
  'A *small* project with a [greeting](src/greet.ts) and a logo:',
  '',
  '![logo](logo.png)',
  '',
  '![tracker](https://tracker.example/pixel.png)',
  '',
  '```ts',
  "export const greet = (name: string): string => 'Hello, ' + name;",
  '```',
  '',
  '| Command | Keys |',
  '|---|---|',
  '| Open Preview | Ctrl+Shift+V |',
  '',
].join('\n');

test('a Markdown preview follows the buffer as it is typed, loads its image locally and never fetches a remote one', async ({
  page,
}) => {
  const remote: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('http://127.0.0.1') && !request.url().startsWith('blob:')) remote.push(request.url());
  });
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(join(root, 'README.md'), README);
      writeFileSync(join(root, 'logo.png'), png(48, 24));
    },
  });
  await page.locator('.tree-row[data-path="README.md"]').dblclick();
  await expect(page.locator('.tab[data-path="README.md"]')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('editor').click();
  await page.keyboard.press('Control+Shift+V');

  const preview = page.getByTestId('markdown-preview');
  await expect(preview.locator('h1')).toHaveText('Sample project');
  await expect(preview.locator('img[alt="logo"]')).toHaveJSProperty('naturalWidth', 48);
  await expect(preview.locator('.md-preview__placeholder')).toHaveText(
    'Remote image not loaded: https://tracker.example/pixel.png',
  );
  // Monaco's colorizer wrapped the code in its token spans
  await expect(preview.locator('pre code span[class^="mtk"]').first()).toBeVisible();

  // typing into the (unsaved) buffer shows in the preview
  await page.locator('.tab[data-path="README.md"]').click();
  await page.getByTestId('editor').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n## Typed just now\n');
  await page.locator('.tab', { hasText: 'Preview README.md' }).click();
  await expect(preview.locator('h2')).toHaveText('Typed just now');

  // a relative link opens the file in the editor
  await preview.getByRole('link', { name: 'greeting' }).click();
  await expect(page.locator('.tab[data-path="src/greet.ts"]')).toHaveAttribute('aria-selected', 'true');
  await page.locator('.tab', { hasText: 'Preview README.md' }).click();
  await expect(preview.locator('h2')).toBeVisible();
  await expect(preview.locator('img[alt="logo"]')).toHaveJSProperty('naturalWidth', 48);
  await page.screenshot({ path: 'test-results/markdown-preview.png' });
  expect(remote).toEqual([]);
  expect(wb.errors()).toEqual([]);
});

test('an image opens in the image preview with its dimensions; a hostile SVG shows without running its script', async ({
  page,
}) => {
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(join(root, 'photo.png'), png(64, 32));
      writeFileSync(
        join(root, 'hostile.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" onload="parent.document.title=\'pwned\'"><script>parent.document.title = "pwned"; window.top.pwned = 1;</script><rect width="40" height="20" fill="red"/></svg>',
      );
    },
  });
  await page.locator('.tree-row[data-path="photo.png"]').dblclick();
  const image = page.getByTestId('image-preview');
  await expect(image.getByTestId('image-info')).toHaveText(/^64 × 32 · \d+ B$/);
  await image.getByRole('button', { name: '100%' }).click();
  await expect(image.locator('img')).toHaveCSS('width', '64px');

  await page.locator('.tree-row[data-path="hostile.svg"]').dblclick();
  await expect(page.getByTestId('image-preview').getByTestId('image-info')).toHaveText(/^40 × 20/);
  expect(await page.title()).toMatch(/^hostile\.svg — /);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(wb.errors()).toEqual([]);
});

test('F1 inside the editor opens our palette, which lists and runs Monaco actions with their keys', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').dblclick();
  await page.getByTestId('editor').click();
  await page.keyboard.press('F1');
  const input = page.getByPlaceholder('Type a command');
  await expect(input).toBeFocused();
  // Monaco's own quick-command widget never opens
  await expect(page.locator('.quick-input-widget')).toBeHidden();
  await input.fill('Fold All');
  const foldAll = page.locator('.picker__item', { hasText: /^Fold All/ }).first();
  await expect(foldAll).toBeVisible();
  await expect(foldAll.locator('kbd')).toHaveText(/Ctrl\+K Ctrl\+0/);
  await input.fill('Change All Occurrences');
  await expect(page.locator('.picker__item', { hasText: 'Change All Occurrences' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByTestId('editor').click();
  await page.keyboard.press('Control+Shift+P');
  await expect(page.getByPlaceholder('Type a command')).toBeFocused();
  await page.keyboard.type('Toggle Line Comment');
  await page.keyboard.press('Enter');
  await expect(page.locator('.view-lines')).toContainText('//');
  expect(wb.errors()).toEqual([]);
});
