/** A self-contained HTML page: inline CSS, inline SVG, no script, no external resource. */
import { esc } from './svg.ts';

export interface Section {
  heading: string;
  /** Trusted HTML built by this library's helpers (tables, inline SVG) or escaped text. */
  html: string;
}

export function htmlPage(title: string, sections: readonly Section[], opts: { generatedAt?: string; intro?: string } = {}): string {
  const body = sections.map((s) => `<section>\n<h2>${esc(s.heading)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1120px; color: #1b1b1b; padding: 0 16px; }
  h1 { font-size: 22px; margin-bottom: 4px; }
  h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  p, li { line-height: 1.45; }
  .meta { color: #666; font-size: 13px; }
  table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
  th, td { border: 1px solid #d4d4d4; padding: 4px 8px; text-align: right; }
  th { background: #f2f2f2; }
  td:first-child, th:first-child { text-align: left; }
  tr.highlight td { background: #eef4fc; font-weight: 600; }
  .note { background: #fbf7ea; border: 1px solid #eadfb8; padding: 8px 12px; font-size: 13px; }
  svg { max-width: 100%; height: auto; }
  code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
${opts.generatedAt ? `<p class="meta">Generated ${esc(opts.generatedAt)}</p>` : ''}
${opts.intro ? `<p>${opts.intro}</p>` : ''}
${body}
</body>
</html>
`;
}

export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** Row indexes drawn highlighted. */
  highlight?: readonly number[];
  /** Formats numeric cells. */
  format?: (v: number, column: number) => string;
}

export function table(header: readonly string[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const fmt = opts.format ?? ((v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4)));
  const cell = (c: Cell, i: number): string =>
    c === null || c === undefined ? '–' : typeof c === 'number' ? (Number.isFinite(c) ? fmt(c, i) : '–') : esc(c);
  const hl = new Set(opts.highlight ?? []);
  return [
    '<table>',
    `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`,
    ...rows.map((r, ri) => `<tr${hl.has(ri) ? ' class="highlight"' : ''}>${r.map((c, i) => `<td>${cell(c, i)}</td>`).join('')}</tr>`),
    '</table>',
  ].join('\n');
}

export function note(text: string): string {
  return `<p class="note">${esc(text)}</p>`;
}
