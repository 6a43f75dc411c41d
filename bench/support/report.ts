// What every benchmark prints: one JSON line per figure (DESIGN.md "Benchmarks"), medians over several rounds.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  pass: boolean;
  [figure: string]: unknown;
}

export function report(result: BenchResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Rounds to 3 significant decimals for readable JSON. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
