import fs from 'node:fs';

/** Removes the benchmark's throwaway directory (the limits fixture and both products' data). */
export default function globalTeardown(): void {
  const dir = process.env.BENCH_DATA_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
