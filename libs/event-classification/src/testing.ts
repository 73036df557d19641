/** Fixture builders for code that consumes J7 output and wants a fixed, valid EventInfo, and tiny topic data sets. */
import type { EventInfo } from '@himari/contracts';
import { CLASSIFIER_VERSION } from './event-classifier.ts';
import { HALF_LIFE_S } from './taxonomy.ts';

export function eventInfo(overrides: Partial<EventInfo> = {}): EventInfo {
  const category = overrides.category ?? 'earnings';
  const urgency = overrides.urgency ?? 'short_term';
  return {
    category,
    subcategory: 'report',
    impact: 'medium',
    urgency,
    half_life_s: HALF_LIFE_S[category][urgency],
    category_confidence: 0.8,
    entities: ['AAPL'],
    matched: ['earnings'],
    classifier: CLASSIFIER_VERSION,
    ...overrides,
  };
}

/** One short template per topic id, written for tests: each topic has its own words, so a model can learn them. */
const TEMPLATES: Readonly<Record<number, readonly string[]>> = {
  0: ['{c} upgraded to buy at {b}, price target raised', '{b} downgrades {c} to underperform'],
  1: ['Fed official {p} signals another rate hike', 'central bank governor {p} says policy stays tight'],
  2: ['{c} launches new product line for {m}', '{c} unveils platform for {m} customers'],
  5: ['{c} to report quarterly earnings on {d}', '{c} schedules earnings call for {d}'],
  6: ['Oil prices climb as crude supply tightens', 'Brent crude slips on demand worries'],
  9: ['{p} writes about summer travel and weather', 'Opinion: {p} on the city housing debate'],
  12: ['{c} sued in class action over {m} claims', 'regulator opens probe into {c} {m} practices'],
  13: ['{c} agrees to acquire {b} in cash deal', '{c} buys stake in {b} for growth'],
  15: ['stocks close higher as Nasdaq and S&P gain', 'Wall Street indexes slide in late trading'],
  17: ['{c} appoints {p} as chief financial officer', '{p} steps down as {c} chief executive'],
};
const COMPANIES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Wonka',
];
const BANKS = ['Barclays', 'Jefferies', 'Mizuho', 'Nomura', 'Raymond James', 'Piper'];
const PEOPLE = ['Jane Roe', 'John Doe', 'Ana Diaz', 'Li Wei', 'Sam Hill', 'Kim Park'];
const MARKETS = ['retail', 'cloud', 'health', 'energy', 'payments', 'travel'];
const DATES = ['May 2', 'June 9', 'July 28', 'August 4', 'October 20', 'November 3'];

/**
 * A deterministic topic CSV (`text,label`) of `perTopic` rows for each templated topic, texts distinct within the
 * file; `offset` shifts the fillers so that two calls with different offsets share no text.
 */
export function syntheticTopicCsv(perTopic: number, offset = 0): string {
  const lines = ['text,label'];
  for (const [topic, templates] of Object.entries(TEMPLATES)) {
    for (let i = 0; i < perTopic; i++) {
      const k = i + offset;
      const pick = <T>(xs: readonly T[], s: number): T => xs[(k * s + Number(topic)) % xs.length] as T;
      const text = (templates[k % templates.length] as string)
        .replace('{c}', `${pick(COMPANIES, 1)} ${k}`)
        .replace('{b}', pick(BANKS, 5))
        .replace('{p}', pick(PEOPLE, 7))
        .replace('{m}', pick(MARKETS, 3))
        .replace('{d}', pick(DATES, 11));
      lines.push(`"${text.replace(/"/g, '""')} #${k}",${topic}`);
    }
  }
  return lines.join('\n') + '\n';
}
