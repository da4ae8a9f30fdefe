/** A named series of points for a line plot. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

function niceTicks(min: number, max: number, count: number, log: boolean): number[] {
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
    return ticks;
  }
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / nice) * nice; t <= max + nice * 1e-9; t += nice) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** Draws line series as a self-contained SVG (no dependencies), for the README and bench/results/. */
export function linePlot(series: Series[], options: PlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const m = { top: 36, right: 150, bottom: 48, left: 64 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const tx = (v: number) => (options.logX ? Math.log10(Math.max(v, 1e-9)) : v);
  const ty = (v: number) => (options.logY ? Math.log10(Math.max(v, 1e-9)) : v);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  let yMin = options.logY ? Math.min(...ys) : Math.min(0, ...ys);
  let yMax = Math.max(...ys);
  if (!Number.isFinite(xMin)) [xMin, xMax, yMin, yMax] = [0, 1, 0, 1];
  if (xMin === xMax) xMax = xMin + 1;
  if (yMin === yMax) yMax = yMin + 1;
  const xTicks = niceTicks(xMin, xMax, 6, !!options.logX);
  const yTicks = niceTicks(yMin, yMax, 6, !!options.logY);
  const x0 = tx(Math.min(xMin, xTicks[0]!));
  const x1 = tx(Math.max(xMax, xTicks[xTicks.length - 1]!));
  const y0 = ty(Math.min(yMin, yTicks[0]!));
  const y1 = ty(Math.max(yMax, yTicks[yTicks.length - 1]!));
  const px = (v: number) => m.left + ((tx(v) - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const py = (v: number) => height - m.bottom - ((ty(v) - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${px(t)}" y="${height - m.bottom + 16}" text-anchor="middle" fill="#555">${label(t)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py(t) + 4}" text-anchor="end" fill="#555">${label(t)}</text>`);
  }
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const [x, y] of pts) parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${color}"/>`);
    }
    const ly = m.top + 8 + i * 18;
    parts.push(`<rect x="${width - m.right + 12}" y="${ly - 8}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${width - m.right + 30}" y="${ly - 3}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Empirical CDF points of a sample (x = value, y = fraction ≤ x), thinned to at most `max` points. */
export function cdfPoints(samples: readonly number[], max = 200): Array<[number, number]> {
  const sorted = [...samples].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / max));
  const points: Array<[number, number]> = [];
  for (let i = 0; i < sorted.length; i += step) points.push([sorted[i]!, (i + 1) / sorted.length]);
  if (sorted.length) points.push([sorted[sorted.length - 1]!, 1]);
  return points;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
