/**
 * Small, dependency-free SVG charts for the reports: a reliability diagram (Guo et al. 2017 style) and line charts
 * of equity curves. Plain SVG 1.1 with inline styles, so a file opens in any browser and embeds in HTML as is.
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f2 = (x: number): string => (Math.round(x * 100) / 100).toString();

export interface ReliabilityBinLike {
  lo: number;
  hi: number;
  count: number;
  mean_confidence: number | null;
  accuracy: number | null;
}

export interface ReliabilityPanel {
  title: string;
  bins: readonly ReliabilityBinLike[];
  /** Printed under the title, e.g. `ECE 0.021 · MCE 0.090 · n 12 345`. */
  subtitle?: string;
}

/** Bins with fewer samples than this are drawn faded. */
const FEW = 30;

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/**
 * One panel per bin set, side by side. Each panel: accuracy per confidence bin as bars, the gap to the bin's mean
 * confidence in red, the diagonal of perfect calibration, and below it the number of samples per bin.
 */
export function reliabilitySvg(panels: readonly ReliabilityPanel[], opts: { title?: string } = {}): string {
  const pw = 340;
  const plot = 260;
  const left = 50;
  const top = opts.title ? 60 : 36;
  const histH = 60;
  const h = top + plot + 40 + histH + 56;
  const w = panels.length * pw + 20;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="12">`);
  parts.push(`<rect width="${w}" height="${h}" fill="#ffffff"/>`);
  parts.push(
    '<defs><pattern id="gap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f6d3d3" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d64545" stroke-width="2"/></pattern></defs>',
  );
  if (opts.title) parts.push(`<text x="${w / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(opts.title)}</text>`);
  panels.forEach((p, pi) => {
    const x0 = 10 + pi * pw + left;
    const y0 = top;
    const X = (v: number): number => x0 + v * plot;
    const Y = (v: number): number => y0 + plot - v * plot;
    parts.push(`<text x="${x0 + plot / 2}" y="${y0 - 20}" text-anchor="middle" font-size="13" font-weight="600">${esc(p.title)}</text>`);
    if (p.subtitle) parts.push(`<text x="${x0 + plot / 2}" y="${y0 - 6}" text-anchor="middle" fill="#444">${esc(p.subtitle)}</text>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${plot}" height="${plot}" fill="#fafafa" stroke="#999"/>`);
    for (let g = 1; g < 5; g++) {
      const v = g / 5;
      parts.push(`<line x1="${X(0)}" y1="${f2(Y(v))}" x2="${X(1)}" y2="${f2(Y(v))}" stroke="#e4e4e4"/>`);
      parts.push(`<line x1="${f2(X(v))}" y1="${Y(0)}" x2="${f2(X(v))}" y2="${Y(1)}" stroke="#e4e4e4"/>`);
    }
    for (const b of p.bins) {
      if (b.count === 0 || b.accuracy === null || b.mean_confidence === null) continue;
      // A bin of a handful of samples says little: drawn faded so that it does not dominate the eye.
      const op = b.count < FEW ? 0.3 : 1;
      const bx = X(b.lo) + 1;
      const bw = (b.hi - b.lo) * plot - 2;
      parts.push(
        `<rect x="${f2(bx)}" y="${f2(Y(b.accuracy))}" width="${f2(bw)}" height="${f2(b.accuracy * plot)}" fill="#3b6fb6" fill-opacity="${0.85 * op}"><title>${esc(`[${b.lo.toFixed(2)}, ${b.hi.toFixed(2)}): n ${b.count}, mean confidence ${b.mean_confidence.toFixed(3)}, accuracy ${b.accuracy.toFixed(3)}`)}</title></rect>`,
      );
      const a = Math.min(b.accuracy, b.mean_confidence);
      const gap = Math.abs(b.accuracy - b.mean_confidence);
      if (gap > 0)
        parts.push(
          `<rect x="${f2(bx)}" y="${f2(Y(a + gap))}" width="${f2(bw)}" height="${f2(gap * plot)}" fill="url(#gap)" stroke="#d64545" stroke-width="0.9" opacity="${op}"/>`,
        );
      parts.push(`<circle cx="${f2(X(b.mean_confidence))}" cy="${f2(Y(b.accuracy))}" r="2.5" fill="#111" opacity="${op}"/>`);
    }
    parts.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#222" stroke-dasharray="5 4"/>`);
    for (let g = 0; g <= 5; g++) {
      const v = g / 5;
      parts.push(`<text x="${f2(X(v))}" y="${Y(0) + 15}" text-anchor="middle" fill="#333">${v.toFixed(1)}</text>`);
      parts.push(`<text x="${X(0) - 6}" y="${f2(Y(v) + 4)}" text-anchor="end" fill="#333">${v.toFixed(1)}</text>`);
    }
    parts.push(`<text x="${x0 + plot / 2}" y="${Y(0) + 30}" text-anchor="middle">confidence</text>`);
    parts.push(`<text transform="translate(${x0 - 36} ${y0 + plot / 2}) rotate(-90)" text-anchor="middle">accuracy (hit rate)</text>`);
    // Samples per bin.
    const hy = Y(0) + 40;
    const maxCount = Math.max(1, ...p.bins.map((b) => b.count));
    parts.push(`<text x="${x0 + plot / 2}" y="${hy + histH + 14}" text-anchor="middle" fill="#555" font-size="11">samples per bin</text>`);
    for (const b of p.bins) {
      const bh = (b.count / maxCount) * histH;
      const bx = X(b.lo) + 1;
      const bw = (b.hi - b.lo) * plot - 2;
      parts.push(
        `<rect x="${f2(bx)}" y="${f2(hy + histH - bh)}" width="${f2(bw)}" height="${f2(bh)}" fill="#8a8a8a"><title>${b.count}</title></rect>`,
      );
      if (b.count > 0)
        parts.push(
          `<text x="${f2(bx + bw / 2)}" y="${f2(hy + histH - bh - 2)}" text-anchor="middle" font-size="8" fill="#333">${compact(b.count)}</text>`,
        );
    }
    parts.push(`<line x1="${X(0)}" y1="${hy + histH}" x2="${X(1)}" y2="${hy + histH}" stroke="#999"/>`);
  });
  const ly = h - 14;
  parts.push(`<rect x="20" y="${ly - 9}" width="12" height="10" fill="#3b6fb6"/><text x="36" y="${ly}">accuracy per bin</text>`);
  parts.push(
    `<rect x="150" y="${ly - 9}" width="12" height="10" fill="url(#gap)" stroke="#d64545"/><text x="166" y="${ly}">gap to mean confidence</text>`,
  );
  parts.push(
    `<line x1="320" y1="${ly - 4}" x2="345" y2="${ly - 4}" stroke="#222" stroke-dasharray="5 4"/><text x="350" y="${ly}">perfect calibration</text>`,
  );
  parts.push(
    `<rect x="470" y="${ly - 9}" width="12" height="10" fill="#3b6fb6" fill-opacity="0.25"/><text x="486" y="${ly}">faded: fewer than ${FEW} samples</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, target: number): number[] {
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number((Math.round(v / step) * step).toPrecision(12)));
  return out;
}

function compact(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export interface LineSeries {
  name: string;
  values: readonly number[];
  color: string;
  dash?: string;
  width?: number;
  /** Drawn thin and light, without a legend entry of its own unless `legend` is set. */
  faint?: boolean;
  legend?: boolean;
}

export interface LineChartOptions {
  title?: string;
  /** X-axis labels, one per value. */
  labels: readonly string[];
  yLabel: string;
  /** Draw a horizontal reference line here (e.g. 1 for equity). */
  baseline?: number;
  width?: number;
  height?: number;
  /** Formats the y ticks. */
  format?: (v: number) => string;
}

export function lineChartSvg(series: readonly LineSeries[], opts: LineChartOptions): string {
  const w = opts.width ?? 1000;
  const h = opts.height ?? 420;
  const m = { l: 64, r: 250, t: opts.title ? 40 : 16, b: 44 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const n = Math.max(...series.map((s) => s.values.length), 1);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (opts.baseline !== undefined) all.push(opts.baseline);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const X = (i: number): number => m.l + (n <= 1 ? 0 : (i / (n - 1)) * pw);
  const Y = (v: number): number => m.t + ph - ((v - lo) / (hi - lo)) * ph;
  const fmt = opts.format ?? ((v: number) => v.toFixed(2));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="12">`);
  parts.push(`<rect width="${w}" height="${h}" fill="#ffffff"/>`);
  if (opts.title)
    parts.push(`<text x="${m.l + pw / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${esc(opts.title)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#999"/>`);
  for (const v of niceTicks(lo, hi, 6)) {
    parts.push(`<line x1="${m.l}" y1="${f2(Y(v))}" x2="${m.l + pw}" y2="${f2(Y(v))}" stroke="#e6e6e6"/>`);
    parts.push(`<text x="${m.l - 6}" y="${f2(Y(v) + 4)}" text-anchor="end" fill="#333">${esc(fmt(v))}</text>`);
  }
  const xt = Math.min(8, n);
  for (let i = 0; i < xt; i++) {
    const idx = Math.round((i * (n - 1)) / Math.max(1, xt - 1));
    const label = opts.labels[idx] ?? '';
    parts.push(`<line x1="${f2(X(idx))}" y1="${m.t}" x2="${f2(X(idx))}" y2="${m.t + ph}" stroke="#efefef"/>`);
    parts.push(`<text x="${f2(X(idx))}" y="${m.t + ph + 16}" text-anchor="middle" fill="#333">${esc(label)}</text>`);
  }
  if (opts.baseline !== undefined)
    parts.push(
      `<line x1="${m.l}" y1="${f2(Y(opts.baseline))}" x2="${m.l + pw}" y2="${f2(Y(opts.baseline))}" stroke="#555" stroke-width="1"/>`,
    );
  parts.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  const ordered = [...series.filter((s) => s.faint), ...series.filter((s) => !s.faint)];
  for (const s of ordered) {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${f2(X(i))},${f2(Y(v))}` : '')).filter((p) => p !== '');
    if (pts.length < 2) continue;
    const width = s.width ?? (s.faint ? 1 : 2);
    parts.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}${s.faint ? ' stroke-opacity="0.45"' : ''}><title>${esc(s.name)}</title></polyline>`,
    );
  }
  let ly = m.t + 8;
  for (const s of series) {
    if (s.faint && !s.legend) continue;
    // A faint group stands for several series: no single last value represents it.
    const last = s.faint ? undefined : [...s.values].reverse().find(Number.isFinite);
    parts.push(
      `<line x1="${m.l + pw + 12}" y1="${ly}" x2="${m.l + pw + 36}" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}${s.faint ? ' stroke-opacity="0.6"' : ''}/>`,
    );
    parts.push(`<text x="${m.l + pw + 42}" y="${ly + 4}">${esc(s.name)}${last !== undefined ? ` (${esc(fmt(last))})` : ''}</text>`);
    ly += 18;
  }
  parts.push('</svg>');
  return parts.join('\n');
}
