/**
 * "Did you mean …?" for unknown strings: the closest valid name by edit
 * distance, offered when it is close enough to be a likely typo.
 */

/** Levenshtein distance: the fewest single-character edits from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** ` Did you mean 'adam'?` when a valid name is within a third of the input's length, else ''. */
export function suggestClosest(input: string, valid: readonly string[]): string {
  // No name is longer than this; the distance costs length × length, so a megabyte of input gets no suggestion.
  if (input.length > 64) return '';
  let best = '';
  let bestDistance = Infinity;
  for (const name of valid) {
    const d = editDistance(input.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? ` Did you mean '${best}'?` : '';
}
