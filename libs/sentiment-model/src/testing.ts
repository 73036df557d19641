/**
 * A tiny TFNS-layout fixture with unmistakable examples: enough for a model to learn the obvious words, small enough
 * to train in well under a second. Tests write it to a temporary file.
 */
const POSITIVE = [
  'Acme shares surge after record profit beats estimates',
  'Acme raises full-year guidance as sales soar',
  'Analysts upgrade Acme to buy on strong growth',
  'Beta Corp posts record quarterly profit, stock jumps',
  'Beta Corp beats expectations and lifts dividend',
  'Gamma rallies as revenue growth accelerates',
  'Gamma upgraded to outperform, price target raised',
  'Delta stock soars on strong demand and higher margins',
  'Delta profit jumps, beats estimates',
  'Epsilon shares rally after upbeat outlook',
];
const NEGATIVE = [
  'Acme shares plunge after profit misses estimates',
  'Acme cuts full-year guidance as sales slump',
  'Analysts downgrade Acme to sell on weak demand',
  'Beta Corp posts quarterly loss, stock tumbles',
  'Beta Corp misses expectations and slashes dividend',
  'Gamma falls as revenue declines sharply',
  'Gamma downgraded to underperform, price target cut',
  'Delta stock plunges on weak demand and lower margins',
  'Delta swings to loss, misses estimates',
  'Epsilon shares slump after gloomy outlook',
];
const NEUTRAL = [
  'Acme to present at investor conference on Tuesday',
  'Acme schedules quarterly earnings call for May 5',
  'Beta Corp names new chief financial officer',
  'Beta Corp to hold annual meeting in June',
  'Gamma announces date of third quarter results release',
  'Gamma files annual report with regulators',
  'Delta opens new office in Chicago',
  'Delta board meets on Thursday',
  'Epsilon to webcast presentation at industry event',
  'Epsilon appoints new head of investor relations',
];

function csvField(s: string): string {
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** `text,label` with TFNS codes (0 bearish, 1 bullish, 2 neutral). */
export function tinyTfnsCsv(): string {
  const rows: [string, number][] = [
    ...NEGATIVE.map((t): [string, number] => [t, 0]),
    ...POSITIVE.map((t): [string, number] => [t, 1]),
    ...NEUTRAL.map((t): [string, number] => [t, 2]),
  ];
  return 'text,label\n' + rows.map(([t, l]) => `${csvField(t)},${l}`).join('\n') + '\n';
}

/** The same examples in the PhraseBank layout (`sentence,label,agreement`). */
export function tinyPhrasebankCsv(): string {
  const row =
    (label: string, other: number) =>
    (t: string, i: number): [string, string, number] => [t, label, i % 2 ? 100 : other];
  const rows = [...NEGATIVE.map(row('negative', 66)), ...POSITIVE.map(row('positive', 75)), ...NEUTRAL.map(row('neutral', 50))];
  return 'sentence,label,agreement\n' + rows.map(([t, l, a]) => `${csvField(t)},${l},${a}`).join('\n') + '\n';
}
