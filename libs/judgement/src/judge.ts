/**
 * Target- and event-aware direction for the no-LLM draft. J5 scores the mood of a sentence; a trader needs the
 * direction for the asset the headline names. This reads the headline as a trader would, in three steps:
 *
 * 1. Find the part of the headline about the asset (its clause, from its name to the next company's name), and the
 *    part before it in the same clause, where the asset is the object ("X sues Y", "court bars Y's imports").
 * 2. A stated move of the asset decides ("Y slides despite earnings beat"), unless it is a retrospective over years.
 * 3. Otherwise the events found decide, each with a polarity for the asset's role: rising yields are bad for a bond
 *    fund, a lost peg for a stablecoin, a guidance cut for a company; falling losses and fees are good.
 *
 * When nothing is found the judgement abstains and J5's direction stands.
 */
import { ALIASES, isMarketProxy, roleOf, type Alias, type AssetRole } from './assets.ts';
import { EVENT_PATTERNS, HOLD_PATTERNS, QUESTION_RE, ROUTINE_RE } from './patterns.ts';

export type Direction = -1 | 0 | 1;

export interface JudgementInput {
  text: string;
  asset: string;
}

export interface Judgement {
  /** null: no rule applies; the caller keeps the sentiment model's direction. */
  direction: Direction | null;
  /** Which rule decided: `stated_move`, `routine`, `question`, `retrospective`, a hold pattern's id, or `events`. */
  rule: string | null;
  /** Event pattern ids that matched, with their signed weight for the asset. */
  evidence: { id: string; score: number }[];
  /** 0..1: how strongly the rule decided (1 = a stated move or a decisive event). */
  strength: number;
  role: AssetRole;
}

interface Mention {
  ticker: string;
  start: number;
  end: number;
}

interface Clause {
  start: number;
  end: number;
  owners: string[];
}

const UP_MOVE =
  /\b(?:surge[sd]?|surging|soar(?:s|ed|ing)?|jump(?:s|ed|ing)?|rall(?:y|ies|ied|ying)|(?<!\b(?:a|term|the) |% )gain(?:s|ed|ing)?|(?<!\b(?:a|meteoric|the) )rise[sn]?|rose|rising|climb(?:s|ed|ing)?|rocket(?:s|ed)?|spike[sd]?|leap(?:s|t)?|pop(?:s|ped)?|skyrocket(?:s|ed)?|rebound(?:s|ed)?|explodes?|roars? back|crushing it|swells|outpaces|higher|(?:hits?|strikes?|at|to|touch(?:es)?) (?:a |its )?(?:new |fresh )?(?:\d+-\w+ |[\w-]+ )?highs?|(?:hits?|at|sets?) (?:a )?(?:new )?record(?: highs?| close| level)?|to (?:a )?(?:new )?record (?:highs?|close|level)|hits \$[\d,.]+|record highs?|all-time highs?|52-week high|surpass(?:es)? \$|breaks above|nears (?:trillion|\$|record|\d)|up on)\b|\b(?:up|adds) \d[\d.]*%/g;
const DOWN_MOVE =
  /\b(?:fall(?:s|ing)?|fell|drop(?:s|ped|ping)?|slide[sd]?|slid|slump(?:s|ed)?|plunge[sd]?|plummet(?:s|ed)?|tumble[sd]?|sinks?|sank|sunk|dip(?:s|ped)?|crash(?:es|ed|ing)?|tank(?:s|ed)?|sheds?|slip(?:s|ped)?|declines?|declined|crumbles?|div(?:es|ing)|nosedives?|punished|erases? gains|extends? losses|loses ground|loss(?:es)? on|lower|ends down|(?:hits?|to|at) (?:a |its )?(?:new )?(?:\d+-\w+|[\w-]+) lows?|52-week low|record low|all-time low|drags?|weighs?|lags?|lagging|fourth straight decline|straight decline|sell-?off|under pressure|sinking)\b|\bdown \d[\d.]*%/g;

/** Words that, just before a move verb, make it a change in a business or economic figure, not the asset's price. */
const GOOD_METRICS = new Set([
  'sales',
  'revenue',
  'revenues',
  'profit',
  'profits',
  'earnings',
  'eps',
  'income',
  'orders',
  'shipments',
  'deliveries',
  'demand',
  'margin',
  'margins',
  'line',
  'share',
  'growth',
  'exports',
  'value',
  'cap',
  'gdp',
  'volume',
]);
const BAD_METRICS = new Set([
  'loss',
  'losses',
  'costs',
  'cost',
  'fees',
  'fee',
  'debt',
  'expenses',
  'unemployment',
  'claims',
  // More of a commodity on hand is less reason to pay up for it.
  'supply',
  'supplies',
  'inventories',
  'inventory',
  'stockpiles',
]);
const MACRO_BAD_METRICS = new Set(['inflation', 'cpi', 'yield', 'yields', 'rates']);
/** Retrospectives: a move over months or years says nothing about the next day. */
const RETROSPECTIVE_RE =
  /\b(?:in (?:19|20)\d\d|(?<!first time )since (?:19|20)\d\d|this year|last year|in each year|over the (?:past|last) (?:year|\d+ years|\d+ months)|in \d+ years|12 months)\b/;

const AMOUNT_RE = /\$\s?([\d.,]+)\s?(b|bn|billion|m|mln|million|k)\b/;
/** A fine or settlement under this is immaterial for the payer in the rule (HOLD), above it counts. */
const MATERIAL_PENALTY_USD = 100e6;

export function judge(input: JudgementInput): Judgement {
  const asset = input.asset.toUpperCase();
  const role = roleOf(asset);
  const raw = input.text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');
  const text = raw.toLowerCase();
  const result = (rule: string | null, direction: Direction | null, evidence: Judgement['evidence'] = [], strength = 0): Judgement => ({
    direction,
    rule,
    evidence,
    strength,
    role,
  });

  const mentions = findMentions(raw, asset);
  const clauses = splitClauses(text, mentions);
  const about = assetText(text, clauses, mentions, asset);
  const span = about.parts.map((p) => p.text.slice(0, p.cut)).join(JOIN);
  const full = about.parts.map((p) => p.text).join(JOIN);
  const allowed: [number, number][] = [];
  let offset = 0;
  for (const p of about.parts) {
    allowed.push([offset, offset + p.cut]);
    offset += p.text.length + JOIN.length;
  }

  const question = QUESTION_RE.test(text.trim());
  if (question) return result('question', 0, [], 0.6);
  if (ROUTINE_RE.test(text)) return result('routine', 0, [], 0.6);
  const move = firstMove(span, role);
  if (move !== null) {
    if (RETROSPECTIVE_RE.test(span)) return result('retrospective', 0, [], 0.6);
    return result('stated_move', move, [{ id: 'stated_move', score: move * 3 }], 1);
  }
  for (const h of HOLD_PATTERNS) {
    if (h.roles && !h.roles.includes(role)) continue;
    if (h.re.test(span)) return result(h.id, 0, [], 0.6);
  }

  const evidence = [
    ...events(full, role, about.assetAt, allowed),
    ...events(about.pre, role, Infinity, [[0, about.pre.length]]),
    ...metricMoves(span, role),
  ];
  const score = evidence.reduce((s, e) => s + e.score, 0);
  if (evidence.length === 0) return result(null, null);
  if (score === 0) return result('events_cancel', null, evidence);
  const strength = Math.min(1, Math.abs(score) / 4);
  return result('events', score > 0 ? 1 : -1, evidence, strength);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every alias in one expression, longest first, so that a headline is scanned once for all known names. */
const ALIAS_RE = new RegExp(
  `(?<![\\w&])(?:${[...new Set(ALIASES.map((a) => a.text))]
    .sort((x, y) => y.length - x.length)
    .map(escapeRe)
    .join('|')})(?!\\w)`,
  'gi',
);
const ALIASES_BY_TEXT = new Map<string, Alias[]>();
for (const a of ALIASES) ALIASES_BY_TEXT.set(a.text, [...(ALIASES_BY_TEXT.get(a.text) ?? []), a]);

/** Names of any known symbol, plus the target's own ticker written out ("AA", "(A)", "$FTT", "NYSE:A"). */
function findMentions(raw: string, asset: string): Mention[] {
  const out: Mention[] = [];
  ALIAS_RE.lastIndex = 0;
  for (const m of raw.matchAll(ALIAS_RE)) {
    for (const a of ALIASES_BY_TEXT.get(m[0].toLowerCase()) ?? []) {
      if (a.proper && !/^[A-Z]/.test(m[0])) continue;
      out.push({ ticker: a.ticker, start: m.index, end: m.index + m[0].length });
    }
  }
  // Tickers in parentheses or as cashtags name a company even when the dictionary does not know it.
  for (const m of raw.matchAll(
    /\((?:(?:NYSE|NASDAQ|Nasdaq|ASX|TSX):)?([A-Z][A-Z.]{0,5})\)|\$([A-Z]{2,6})\b|\b(?:NYSE|NASDAQ):([A-Z.]{1,6})\b/g,
  )) {
    const t = (m[1] ?? m[2] ?? m[3]) as string;
    out.push({ ticker: t, start: m.index, end: m.index + m[0].length });
  }
  if (asset.length >= 2) {
    const re = new RegExp(`(?<![\\w$])${escapeRe(asset)}(?![\\w])`, 'g');
    for (const m of raw.matchAll(re)) out.push({ ticker: asset, start: m.index, end: m.index + m[0].length });
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  // A longer name wins over a shorter one inside it ("Bitcoin Cash" over "Bitcoin", "S&P 500" over "S&P").
  const kept: Mention[] = [];
  for (const m of out) {
    const last = kept[kept.length - 1];
    if (last && m.start < last.end) {
      if (m.ticker === asset && last.ticker !== asset && m.end <= last.end && isMarketProxy(asset)) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept;
}

const CLAUSE_BREAK = /;|:\s|\s[-\u2013\u2014]\s|,?\s+while\s+|,\s+but\s+|\|/g;

function splitClauses(text: string, mentions: readonly Mention[]): Clause[] {
  const bounds: number[] = [0];
  for (const m of text.matchAll(CLAUSE_BREAK)) bounds.push(m.index + m[0].length);
  bounds.push(text.length);
  const clauses: Clause[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    if (end <= start) continue;
    const owners = [...new Set(mentions.filter((m) => m.start >= start && m.start < end).map((m) => m.ticker))];
    clauses.push({ start, end, owners });
  }
  return clauses;
}

interface Part {
  /** From where the asset's subject starts to the end of its clause. */
  text: string;
  /** Where the next other name starts in `text`: moves and events about the asset start before it. */
  cut: number;
}

interface AssetText {
  parts: Part[];
  /** The clause text before the asset's name, when another name is its subject ("X sues Y": "x sues"). */
  pre: string;
  /** Offset of the asset's first name in the joined parts; -1 when it is not named. */
  assetAt: number;
}

const JOIN = ' ; ';

/**
 * The text about the asset. Named: from its name to the next other name in its clause (names joined by "and" or a
 * comma share what follows), plus the clauses that name nobody (after it; for a market proxy, before it too). Not
 * named: a market proxy reads the whole headline; a company the clauses that name no one, else its first clause.
 */
function assetText(text: string, clauses: readonly Clause[], mentions: readonly Mention[], asset: string): AssetText {
  const whole = (cs: readonly Clause[]): Part[] => cs.map((c) => ({ text: text.slice(c.start, c.end), cut: c.end - c.start }));
  const own = mentions.filter((m) => m.ticker === asset);
  const proxy = isMarketProxy(asset);
  if (own.length === 0) {
    if (proxy) return { parts: whole(clauses), pre: '', assetAt: -1 };
    const free = clauses.filter((c) => c.owners.length === 0);
    const proxyOnly = clauses.filter((c) => c.owners.every((o) => isMarketProxy(o)));
    return { parts: whole(free.length > 0 ? free : proxyOnly.length > 0 ? proxyOnly : clauses.slice(0, 1)), pre: '', assetAt: -1 };
  }
  let assetAt = -1;
  const parts: Part[] = [];
  const pres: string[] = [];
  const used = new Set<number>();
  const at = (): number => parts.reduce((n, p) => n + p.text.length + JOIN.length, 0);
  if (proxy) {
    const firstOwn = clauses.findIndex((c) => c.owners.includes(asset));
    for (let i = 0; i < firstOwn; i++)
      if ((clauses[i] as Clause).owners.length === 0) {
        used.add(i);
        parts.push(...whole([clauses[i] as Clause]));
      }
  }
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i] as Clause;
    const mine = own.find((m) => m.start >= c.start && m.start < c.end);
    if (!mine || used.has(i)) continue;
    used.add(i);
    const others = mentions.filter((m) => m.start >= c.start && m.start < c.end && m.ticker !== asset);
    const before = others.filter((m) => m.start < mine.start);
    let cutAt = c.end;
    for (const o of others) {
      if (o.start <= mine.start) continue;
      const lastOwn = own.filter((m) => m.start < o.start).reduce((n, m) => Math.max(n, m.end), mine.end);
      if (/^(?:,|and|&|or|, and|vs\.?|,?\s*the)?$/.test(text.slice(lastOwn, o.start).trim())) continue;
      cutAt = o.start;
      break;
    }
    // Names listed before the asset with no verb between ("Why X, Y, and Alcoa jumped") share its predicate.
    const head = text.slice(c.start, mine.start);
    const subject = before.length === 0 || (/^[\s\w(),.&'-]*$/.test(head) && !hasVerb(head));
    const start = subject ? c.start : mine.start;
    if (assetAt < 0) assetAt = at() + (mine.start - start);
    parts.push({ text: text.slice(start, c.end), cut: cutAt - start });
    if (!subject) pres.push(head);
    for (let j = i + 1; j < clauses.length && (clauses[j] as Clause).owners.length === 0 && !used.has(j); j++) {
      used.add(j);
      parts.push(...whole([clauses[j] as Clause]));
    }
  }
  return { parts, pre: pres.join(JOIN), assetAt };
}

const ANY_EVENT: readonly RegExp[] = EVENT_PATTERNS.map((p) => new RegExp(p.re.source));

function hasVerb(s: string): boolean {
  UP_MOVE.lastIndex = 0;
  DOWN_MOVE.lastIndex = 0;
  return UP_MOVE.test(s) || DOWN_MOVE.test(s) || ANY_EVENT.some((re) => re.test(s));
}

interface MoveHit {
  at: number;
  dir: Direction;
  metric: { good: boolean } | null;
}

function moveHits(span: string, role: AssetRole): MoveHit[] {
  const hits: MoveHit[] = [];
  for (const [re, dir] of [
    [UP_MOVE, 1],
    [DOWN_MOVE, -1],
  ] as const) {
    re.lastIndex = 0;
    for (const m of span.matchAll(re)) {
      const word = m[0];
      // "lower" / "higher" as comparatives ("lower aluminum prices", "higher profits") are not moves.
      if (
        (word === 'lower' || word === 'higher') &&
        /^\s+[a-z]/.test(span.slice(m.index + word.length)) &&
        !/^\s+(?:as|on|after|in|ahead|at|despite)\b/.test(span.slice(m.index + word.length))
      )
        continue;
      hits.push({ at: m.index, dir, metric: metricBefore(span, m.index, role) });
    }
  }
  return hits.sort((a, b) => a.at - b.at);
}

/** The figure a move verb is about, when one of the three words before it names one. */
function metricBefore(span: string, at: number, role: AssetRole): { good: boolean } | null {
  const words = span
    .slice(0, at)
    .split(/[^a-z0-9&'-]+/)
    .filter((w) => w.length > 0)
    .slice(-3)
    .reverse();
  for (const [i, w] of words.entries()) {
    const base = w.replace(/'s$/, '');
    // "stock prices", "bitcoin price": the asset's own price.
    if ((base === 'prices' || base === 'price') && /^(?:stock|share|bitcoin|token|coin|crypto|bond|gold|oil)s?$/.test(words[i + 1] ?? ''))
      return null;
    if (['shares', 'stock', 'stocks', 'price', 'token', 'coin', 'futures'].includes(base)) return null;
    if (GOOD_METRICS.has(base)) return { good: true };
    if (BAD_METRICS.has(base)) return { good: false };
    if (MACRO_BAD_METRICS.has(base)) return role === 'equity' || role === 'stablecoin' ? null : { good: false };
    // A producer sells at those prices; for markets they are inflation; for gold and oil they are the asset itself.
    if (base === 'prices') return role === 'equity' ? { good: true } : role === 'gold' || role === 'oil' ? null : { good: false };
  }
  return null;
}

function firstMove(span: string, role: AssetRole): Direction | null {
  const first = moveHits(span, role).find((h) => h.metric === null);
  return first ? first.dir : null;
}

function metricMoves(span: string, role: AssetRole): { id: string; score: number }[] {
  return moveHits(span, role)
    .filter((h) => h.metric !== null)
    .map((h) => ({ id: h.metric?.good ? 'metric_change' : 'cost_change', score: h.dir * (h.metric?.good ? 1 : -1) }));
}

/**
 * Events in `text`, signed for the asset. `assetAt`: where the asset is named in `text` (-1: not named; Infinity: it is
 * named after all of it). A pattern before the name has the asset as its object and reads by the pattern's `object`.
 */
function events(text: string, role: AssetRole, assetAt: number, allowed: readonly [number, number][]): { id: string; score: number }[] {
  if (text.trim() === '') return [];
  const out: { id: string; score: number }[] = [];
  const taken: [number, number][] = [];
  for (const pat of EVENT_PATTERNS) {
    if (pat.roles && !pat.roles.includes(role)) continue;
    pat.re.lastIndex = 0;
    for (const m of text.matchAll(pat.re)) {
      const s = m.index;
      const e = s + m[0].length;
      if (!allowed.some(([a, b]) => s >= a && s < b)) continue;
      // One stretch of text is one event: an earlier, more specific pattern keeps it.
      if (taken.some(([a, b]) => s < b && e > a)) continue;
      taken.push([s, e]);
      const asObject = assetAt >= 0 && s < assetAt;
      if (asObject && pat.object === undefined) continue;
      let polarity: number = pat.polarity;
      if (asObject && pat.object === 'invert') polarity = -polarity;
      // The one who sues is not hurt by it; the one sued, charged or pleading guilty is.
      if (pat.id === 'sued' && !asObject && /^(?:sues|suing)$/.test(m[0])) polarity = 0;
      if (pat.id === 'penalty' || pat.id === 'sued') {
        const amount = penaltyAmount(text);
        if (amount !== null && amount < MATERIAL_PENALTY_USD) polarity = 0;
      }
      if (polarity !== 0) out.push({ id: pat.id, score: polarity * pat.weight });
    }
  }
  return out;
}

function penaltyAmount(text: string): number | null {
  const m = AMOUNT_RE.exec(text);
  if (!m) return null;
  const n = Number((m[1] as string).replace(/,/g, ''));
  const unit = (m[2] as string).toLowerCase();
  const mult = unit.startsWith('b') ? 1e9 : unit === 'k' ? 1e3 : 1e6;
  return Number.isFinite(n) ? n * mult : null;
}
