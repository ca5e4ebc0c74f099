/**
 * A list of names for a message: sorted, each once, at most `max` of them and
 * then how many more, so that a refusal stays readable in a large project.
 */
export function summarizeNames(names: Iterable<string>, max = 20): string {
  const sorted = [...new Set(names)].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (sorted.length <= max)
    return sorted.join(`, `);
  return `${sorted.slice(0, max).join(`, `)} and ${sorted.length - max} more`;
}
