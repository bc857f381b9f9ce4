/** The benchmark's two products (playwright.config.ts starts them): `BENCH_PORT` (8811) and 4 above it. */
const base = Number(process.env.BENCH_PORT ?? 8811);

export const BENCH_PORTS = { demo: base, limits: base + 4 } as const;
export const BENCH_URLS = { demo: `http://127.0.0.1:${BENCH_PORTS.demo}`, limits: `http://127.0.0.1:${BENCH_PORTS.limits}` } as const;
export type BenchAccount = keyof typeof BENCH_URLS;
