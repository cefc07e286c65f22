/**
 * Text formatting for the benchmark report: aligned columns and numbers
 * shown to a sensible precision.
 */

export type Align = 'left' | 'right';

/**
 * Lines of a table: each column as wide as its widest cell, cells separated
 * by two spaces, every line indented by `indent`. Columns are right-aligned
 * unless `align` says otherwise (the first is usually 'left').
 */
export function table(rows: readonly (readonly string[])[], align: readonly Align[], indent = '  '): string[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...rows.map((row) => [...(row[c] ?? '')].length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, c) => {
          const pad = ' '.repeat(widths[c]! - [...cell].length);
          return (align[c] ?? 'right') === 'left' ? cell + pad : pad + cell;
        })
        .join('  ')
        .trimEnd(),
  );
}

/** Three significant figures, without exponent: 0.0123, 1.23, 12.3, 123, 1234. */
export function sig3(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** A ratio such as "2.04×" or "13.3×". */
export function ratio(value: number): string {
  return `${sig3(value)}×`;
}

/** 101770 → "101,770". */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
