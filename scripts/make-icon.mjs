// Draws the app icon (resources/icons/icon.png, 1024×1024) from the same geometry as icon.svg, with no image
// library: a rounded square, an open ring (the "C" of ClaudeEditor) and a text cursor, 4×4 supersampled.
// Run it after changing the design: `node scripts/make-icon.mjs`. electron-builder derives .icns/.ico from the PNG.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
const SAMPLES = 4;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons', 'icon.png');

// Geometry in a 0..1 square, shared with icon.svg (viewBox 0 0 1024 1024).
const BACKGROUND = [0x1f, 0x24, 0x30];
const RING = [0xd9, 0x77, 0x57];
const CURSOR = [0xf2, 0xe9, 0xe1];
const MARGIN = 64 / 1024;
const CORNER = 200 / 1024;
const CENTER = 0.5;
const RING_RADIUS = 280 / 1024;
const RING_WIDTH = 96 / 1024;
const GAP_HALF_ANGLE = (40 * Math.PI) / 180; // the ring opens to the right
const CURSOR_BOX = { x0: 488 / 1024, x1: 536 / 1024, y0: 392 / 1024, y1: 632 / 1024 };

function insideRoundedSquare(x, y) {
  const lo = MARGIN + CORNER;
  const hi = 1 - MARGIN - CORNER;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (
    (x - cx) ** 2 + (y - cy) ** 2 <= CORNER ** 2 && x >= MARGIN && x <= 1 - MARGIN && y >= MARGIN && y <= 1 - MARGIN
  );
}

function insideRing(x, y) {
  const dx = x - CENTER;
  const dy = y - CENTER;
  const distance = Math.hypot(dx, dy);
  if (Math.abs(distance - RING_RADIUS) > RING_WIDTH / 2) return false;
  return Math.abs(Math.atan2(dy, dx)) > GAP_HALF_ANGLE;
}

function insideCursor(x, y) {
  return x >= CURSOR_BOX.x0 && x <= CURSOR_BOX.x1 && y >= CURSOR_BOX.y0 && y <= CURSOR_BOX.y1;
}

/** RGBA of one sample: the topmost shape under it, or transparent. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  if (insideCursor(x, y)) return CURSOR;
  if (insideRing(x, y)) return RING;
  return BACKGROUND;
}

const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const rowStart = py * (SIZE * 4 + 1);
  rows[rowStart] = 0; // PNG filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const color = sample((px + (sx + 0.5) / SAMPLES) / SIZE, (py + (sy + 0.5) / SAMPLES) / SIZE);
        if (!color) continue;
        r += color[0];
        g += color[1];
        b += color[2];
        a += 1;
      }
    }
    const offset = rowStart + 1 + px * 4;
    // Colours are averaged over covered samples only, so edges fade in alpha rather than towards black.
    rows[offset] = a ? Math.round(r / a) : 0;
    rows[offset + 1] = a ? Math.round(g / a) : 0;
    rows[offset + 2] = a ? Math.round(b / a) : 0;
    rows[offset + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
writeFileSync(
  out,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
process.stderr.write(`wrote ${out}\n`);
