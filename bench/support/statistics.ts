/** The value below which `fraction` (0.5: the median, 0.99: p99) of `values` lie; 0 when empty. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}
