/**
 * Timing helpers shared by the benchmarks.
 */
import { performance } from 'node:perf_hooks';

/** The median of some numbers. */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** Median milliseconds of `runs` calls of `fn` (sync or async), after one warm-up call. */
export async function medianMs(fn: () => unknown, runs: number): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}
