import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Build-time compression of the built SPA (vite.config.ts runs it after the web build): a `.br`
 * and a `.gz` next to every text file worth it, which the server sends as they are to a browser
 * that accepts them (`serveStatic({ precompressed: true })`), so nothing is compressed per request.
 */

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest|xml)$/i;
/** Smaller files gain little or nothing over the headers' cost. */
const MIN_BYTES = 1024;

export interface PrecompressedFile {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export function precompressDir(dir: string): PrecompressedFile[] {
  const written: PrecompressedFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const raw = fs.readFileSync(file);
    if (raw.length < MIN_BYTES) continue;
    const gzip = zlib.gzipSync(raw, { level: 9 });
    const brotli = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    // Only where it saves bytes; without a sibling the file itself is sent.
    if (gzip.length < raw.length) fs.writeFileSync(`${file}.gz`, gzip);
    if (brotli.length < raw.length) fs.writeFileSync(`${file}.br`, brotli);
    written.push({ file: path.relative(dir, file), raw: raw.length, gzip: gzip.length, brotli: brotli.length });
  }
  return written;
}
