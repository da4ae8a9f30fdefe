/** Prints rows as an aligned plain-text table (what `npm run bench` shows). */
export function formatTable(title: string, objects: readonly object[]): string {
  const rows = objects as Array<Record<string, string | number>>;
  if (rows.length === 0) return `${title}\n(no rows)\n`;
  const columns = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1)) : (v ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join('  ');
  return [
    `\n${title}`,
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    '',
  ].join('\n');
}
