/**
 * The design's line format, which small models fall back to when they ignore the JSON instruction:
 *
 *   SENTIMENT: 0.7
 *   CONFIDENCE: 85%
 *   DIRECTION: BUY
 *   REASONING: Earnings beat on strong cloud growth.
 *
 * Markdown decorations (`- **Direction:** BUY`) are tolerated. REASONING may run on over following lines until the
 * next key. Values come back as text; field validation turns them into numbers and enums.
 */

const KEYS = ['sentiment', 'confidence', 'direction', 'reasoning', 'entities', 'events', 'timeframe', 'magnitude'] as const;
const LINE = new RegExp(
  String.raw`^\s*(?:[-*•>]\s*)?(?:\*\*|__)?\s*(` + KEYS.join('|') + String.raw`)\s*(?:\*\*|__)?\s*[:=]\s*(?:\*\*|__)?\s*(.*)$`,
  'i',
);

export function parseLineFormat(text: string): Record<string, unknown> | null {
  const found: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line);
    if (m) {
      const key = m[1]!.toLowerCase();
      current = key in found ? null : key;
      if (current !== null) found[current] = cleanValue(m[2] ?? '');
    } else if (current === 'reasoning' && line.trim() !== '') {
      found.reasoning = `${found.reasoning ?? ''} ${line.trim()}`.trim();
    } else {
      current = null;
    }
  }
  if (Object.keys(found).length === 0) return null;
  const out: Record<string, unknown> = { ...found };
  for (const list of ['entities', 'events'] as const) {
    const v = found[list];
    if (v !== undefined) out[list] = splitList(v);
  }
  return out;
}

function cleanValue(v: string): string {
  return v.replace(/(?:\*\*|__)\s*$/, '').trim();
}

function splitList(v: string): string[] {
  return v
    .replace(/^\[|\]$/g, '')
    .split(/[,;]/)
    .map((s) => s.trim().replace(/^["']|["']$/g, ''))
    .filter((s) => s !== '' && !/^(none|n\/a|-)$/i.test(s));
}
