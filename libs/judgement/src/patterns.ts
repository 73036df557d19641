/**
 * Event patterns with a polarity for the asset they are about. General phrasings of an event (a hack, a depeg, a
 * guidance cut, a rate hike), never whole headlines: each pattern names the event, not a story.
 *
 * Weights: 3 = the event decides on its own (guidance, a rate decision, "than expected"); 2 = a clear event (a hack,
 * a recall, an upgrade); 1 = supporting evidence (weak demand, higher prices).
 */
import type { AssetRole } from './assets.ts';

export interface EventPattern {
  readonly id: string;
  readonly re: RegExp;
  /** For the asset the text is about: +1 good, -1 bad. */
  readonly polarity: 1 | -1;
  readonly weight: number;
  /** Only for these roles (absent: every role). */
  readonly roles?: readonly AssetRole[];
  /**
   * How the pattern reads for an asset named after it in the same clause (the object: "X sues Y", "court bars Y"):
   * `same` keeps the polarity (a ban, a lawsuit, an upgrade hit the object), `invert` flips it (X wins against Y),
   * absent: the pattern says nothing about an object.
   */
  readonly object?: 'same' | 'invert';
}

const W = String.raw`(?:[\w'$.%&/-]+\s+)`;
/** Up to n words between two parts of a phrase. */
const gap = (n: number): string => `${W}{0,${n}}`;
const EXPECT = String.raw`(?:estimates?|expectations?|views?|the street|street|consensus|forecasts?|ests\.?|analysts)`;

const MARKETS: readonly AssetRole[] = ['index', 'bond', 'crypto', 'gold'];
const RISK: readonly AssetRole[] = ['index', 'bond', 'crypto'];

function p(
  id: string,
  re: string,
  polarity: 1 | -1,
  weight: number,
  extra: Partial<Pick<EventPattern, 'roles' | 'object'>> = {},
): EventPattern {
  return { id, re: new RegExp(re, 'g'), polarity, weight, ...extra };
}

export const EVENT_PATTERNS: readonly EventPattern[] = [
  // Guidance outweighs the quarter.
  p(
    'guidance_raised',
    String.raw`\b(?:raises?|raised|raising|hikes?|boosts?|ups|lifts?|increases?)\s+${gap(3)}(?:guidance|outlook|forecasts?|view|targets?)\b`,
    1,
    4,
  ),
  p(
    'guidance_raised',
    String.raw`\bguides? (?:favorably|higher|above)\b|\boutlook blows past\b|\b(?:forecasts?|sees|projects?)\s+${gap(5)}(?:above|beating|topping)\s+${EXPECT}|\bforecasts? (?:a )?(?:huge )?jump in (?:revenue|sales)\b|\bbullish outlook\b|\bupbeat (?:forecast|outlook)\b|\bview positive\b|\bbullish sales forecast\b`,
    1,
    4,
  ),
  p(
    'guidance_cut',
    String.raw`\b(?:cuts?|lowers?|lowered|lowering|slash(?:es|ed)?|reduces?|reduced|trims?|withdraws?)\s+${gap(3)}(?:guidance|outlook|forecasts?|view|targets?)\b`,
    -1,
    4,
  ),
  p(
    'guidance_cut',
    String.raw`\b(?:guidance|outlook|forecasts?|view) (?:cut|disappoints?|lowered)\b|\bweak ${gap(1)}(?:guidance|outlook|forecasts?)\b|\bguides? (?:below|lower)\b|\bwarns? on (?:sales|profit|earnings|revenue)\b|\bprofit warning\b|\bgrowth warning\b|\bbrutal sales forecast\b|\breduced ${gap(1)}outlook\b`,
    -1,
    4,
  ),

  // Earnings against expectations: "than expected" decides over the raw change, so these weigh 3.
  p(
    'beat_expectations',
    String.raw`\b(?:beats?|beating|tops?|topped|surpass(?:es|ed)?|exceeds?|exceeded|trumps|above|blows? past|better than)\s+${gap(4)}${EXPECT}`,
    1,
    3,
  ),
  p('beat_expectations', String.raw`\b(?:better|higher|stronger)[ -]than[ -](?:expected|anticipated)\b`, 1, 3, {
    roles: ['equity', 'crypto'],
  }),
  p(
    'beat_expectations',
    String.raw`\b(?:earnings|eps|profit|revenues?|results|sales)\s+(?:beats?|tops?)\b|\bbeats? on\b|\b(?:earnings|profit) beat\b|\bbig beat\b|\bsurprise profit\b|\bsurprises on\b|\bbeats q[1-4]\b|\bjust beat\b`,
    1,
    3,
  ),
  p(
    'miss_expectations',
    String.raw`\b(?:miss(?:es|ed)?|lags?|lagged|trails?|falls? short of|fell short of|below|shy of)\s+${gap(4)}${EXPECT}`,
    -1,
    3,
  ),
  p('miss_expectations', String.raw`\b(?:lower|weaker|worse|softer)[ -]than[ -](?:expected|anticipated)\b`, -1, 3, {
    roles: ['equity', 'crypto'],
  }),
  p(
    'miss_expectations',
    String.raw`\b(?:misses|missed|miss)\b(?!\s+(?:items|out))|\bdisappoint(?:s|ed|ing|ment)?\b|\brevenue shy\b|\bfall short\b|\bfell short\b`,
    -1,
    2,
  ),

  // Shareholder returns.
  p(
    'dividend_raised',
    String.raw`\b(?:hikes?|raises?|boosts?|increases?|ups)\s+${gap(3)}(?:dividend|div|payout)\b|\bdividend (?:hike|increase)\b|\bspecial dividend\b|\bfirst-ever dividend\b`,
    1,
    3,
  ),
  p('buyback', String.raw`\bbuy ?backs?\b|\brepurchase\b`, 1, 2),
  p(
    'dividend_cut',
    String.raw`\b(?:cuts?|cut|slash(?:es|ed|ing)?|reduces?|suspends?|lowers?)\s+${gap(3)}dividend\b|\bdividend cut\b`,
    -1,
    3,
  ),

  // Analysts.
  // An analyst's upgrade, not a network's ("upgrade goes live", "network upgrade").
  p(
    'upgrade',
    String.raw`(?<!(?:network|protocol|software|mainnet|testnet|major|ethereum|blockchain|chain) )\bupgrade[sd]?\b(?!\s+(?:goes live|went live|launch\w*|activat\w*|is live))|\branked strong buy\b`,
    1,
    2,
    { object: 'same' },
  ),
  p('downgrade', String.raw`\bdowngrade[sd]?\b|\bdown to strong sell\b|\bsell rating\b|\bunderperform rating\b`, -1, 2, { object: 'same' }),

  // Products and approvals.
  p('recall', String.raw`\brecall(?:s|ed|ing)?\b`, -1, 2),
  p(
    'approval_denied',
    String.raw`\bcomplete response letter\b|\bfda rejects\b|\brejects ${gap(2)}(?:filing|application)\b|\bfails? to win ${gap(1)}approval\b|\bnot approve\b`,
    -1,
    3,
  ),
  p('approval', String.raw`\b(?:approves?|approved|approval|nod|green light)\b`, 1, 2, { object: 'same' }),

  // Courts and regulators. The end of a case against the asset is good for it; a win is bad for the other party.
  p(
    'legal_win',
    String.raw`\b(?:wins?|won|secures?|scores?)\s+${gap(3)}(?:case|lawsuit|suit|dismissal|bid|appeal|ruling|court|battle|fight|victory|win)\b|\bfavorable ruling\b|\blegal victory\b|\bcourt victory\b|\bpartial win\b|\bmajor win\b|\bnot a security\b|\bcelebrates win\b`,
    1,
    3,
    { object: 'invert' },
  ),
  p(
    'case_dismissed',
    String.raw`\b(?:dismiss(?:es|ed|al)?|throws? out|tossed|rejects?)\s+${gap(3)}(?:lawsuit|suit|case|claims|charges|complaint)(?: against)?\b|\b(?:lawsuit|suit|case|charges) (?:dismissed|tossed|thrown out)\b|\bdismiss(?:es|ed|al)\b`,
    1,
    3,
  ),
  p('sued', String.raw`\b(?:sues|sued|suing|lawsuit against|charges against|charged|indicted|pleads? guilty|guilty plea)\b`, -1, 3, {
    object: 'same',
  }),
  p(
    'enforcement',
    String.raw`\bsec (?:sues|charges|is suing)\b|\benforcement action\b|\bwells notice\b|\bcrackdown\b|\bfaces '?strong action'?\b|\bunregistered securities\b|\bbreaking market rules\b|\bfailure to register\b`,
    -1,
    3,
    { object: 'same' },
  ),
  p(
    'ban_lifted',
    String.raw`\b(?:halts?|pauses?|pause|lifts?|lifted|overturns?|blocks?|suspends?|ends?)\s+${gap(3)}ban\b|\bnot subject to ${gap(2)}ban\b`,
    1,
    4,
  ),
  p('ban', String.raw`\bban(?:s|ned|ning)?\b|\bbars?\b|\bbarred\b|\bprohibit(?:s|ed)?\b|\bstop(?:s|ped)? supporting\b|\bcannot\b`, -1, 2, {
    object: 'same',
  }),

  // Crypto failures.
  p(
    'hack',
    String.raw`\bhack(?:ed|s|ers?)?\b|\bexploit(?:ed|s)?\b|\bdrain(?:ed|s)?\b|\bstolen\b|\bsteals?\b|\bheist\b|\bsecurity breach\b|\bsuspicious activity\b|\battack\b`,
    -1,
    3,
    { object: 'same' },
  ),
  p(
    'outage',
    String.raw`\boutage\b|\bglitch\b|\bdisruption\b|\bblock production\b|\bnetwork halted\b|\bunable to (?:buy|sell|trade|withdraw|transfer)\b|\bzero balance\b|\$0 balance\b|\bhalted\b`,
    -1,
    3,
  ),
  p(
    'withdrawals_halted',
    String.raw`\b(?:halts?|halting|paus(?:es|ed|ing)|suspend(?:s|ed|ing)?|freez(?:es|ing)|stops?)\s+${gap(3)}(?:withdrawals|transactions|transfers|trading|deposits)\b|\bwithdrawals? (?:halted|paused|suspended|frozen)\b`,
    -1,
    3,
  ),
  p(
    'depeg',
    String.raw`\b(?:loses?|lost|breaks?|slips?(?: off)?|falls?\s+${gap(1)}below|drops below)\s+${gap(3)}peg\b|\bde-?pegs?\b|\bpeg under pressure\b|\bbelow \$1\b|\bbelow its (?:intended )?(?:\$1 |1-1 |dollar )?peg\b`,
    -1,
    3,
    { roles: ['stablecoin', 'crypto'] },
  ),
  p('delisting', String.raw`\bdelist(?:s|ing|ed)?\b|\bmonitoring tag\b`, -1, 3, { object: 'same' }),
  p('token_unlock', String.raw`\btoken unlocks?\b|\bunlocks? ${gap(3)}tokens\b`, -1, 2),
  p('collapse', String.raw`\bbankruptcy\b|\bchapter 11\b|\bcollapse[sd]?\b|\bcontagion\b|\binsolven(?:t|cy)\b`, -1, 3),
  p('etf_inflows', String.raw`\binflows?\b|\betfs? (?:approval|approved)\b`, 1, 2, { roles: ['crypto', 'gold', 'equity'] }),
  p('outflows', String.raw`\boutflows?\b`, -1, 2),
  p(
    'treasury_buys_coin',
    String.raw`\b(?:buys|bought|purchases?|purchased|acquires|spends|drops)\s+${gap(6)}(?:bitcoin|btc|ether|bitcoins)\b`,
    1,
    2,
    {
      roles: ['equity', 'crypto'],
      object: 'same',
    },
  ),

  // Settlements and fines: the size decides (see judge.ts); a big one hurts the payer.
  p('penalty', String.raw`\b(?:fines?|fined|penalt(?:y|ies)|settlement)\b(?! talks)`, -1, 2, { object: 'same' }),

  // Operations.
  p('strike_ended', String.raw`\bstrike ends\b|\bends? ${gap(2)}strike\b`, 1, 3),
  p('strike', String.raw`\bstrike\b|\bwalkout\b`, -1, 1),
  p(
    'production_cut',
    String.raw`\b(?:cut|cuts|curtail\w*|halt|halts|suspend\w*|reduce\w*|idle\w*)\s+${gap(4)}(?:output|production|capacity)\b|\b(?:production|output) (?:cut|suspension|halt)\b`,
    -1,
    2,
    { roles: ['equity'] },
  ),
  p(
    'supply_cut',
    String.raw`\b(?:output|production|supply) cuts?\b|\bcut ${gap(2)}(?:output|production)\b|\bextends? ${gap(1)}cuts\b`,
    1,
    3,
    { roles: ['oil'] },
  ),
  p('overshadowed', String.raw`\bovershadow(?:s|ed|ing)?\b`, -1, 3),
  p(
    'weakness',
    String.raw`\bweak(?:ness|ening|er)?\b|\bhit by\b|\bhurts?\b|\bweigh(?:s|ing)? on\b|\bmargin pain\b|\bheadwinds?\b|\bslump\b|\bsags?\b|\bdent(?:s)?\b`,
    -1,
    1,
  ),
  p(
    'strength',
    String.raw`\bstrong(?:er)?\b|\bskyrockets\b|\bsurging demand\b|\brecord (?:results|revenue|sales|quarter|1q|2q|3q|4q)\b|\bsolid\b|\bboost(?:s|ed)?\b|\bhigher profits\b|\bmarket leadership\b|\bstake buy\b|\bcost-cutting\b|\bcost savings\b|\bpricier\b`,
    1,
    1,
  ),
  p('insider_selling', String.raw`\binsiders? sold\b`, -1, 2),
  p('loss_reported', String.raw`\breports? ${gap(2)}loss\b|\bloss widens\b|\bwider loss\b|\bloss deepens\b`, -1, 2, { roles: ['equity'] }),
  p('loss_narrowed', String.raw`\bnarrower loss\b|\bloss (?:shrinks|narrows|decreases|drops)\b`, 1, 3, { roles: ['equity'] }),
  p('debt_reduced', String.raw`\b(?:lowers|reduces|cuts|pays down)\s+${gap(1)}debt\b`, 1, 2),
  p('duty_cut', String.raw`\bcuts? ${gap(2)}(?:import )?(?:duty|duties|tariffs?|taxes)\b`, 1, 2, { object: 'same' }),
  p(
    'commodity_prices_down',
    String.raw`\b(?:lower|falling|weak|sagging)\s+${gap(1)}prices\b|\bprices? (?:slumps?|sags?|falls?|drops?)\b`,
    -1,
    2,
    { roles: ['equity'] },
  ),
  p('commodity_prices_up', String.raw`\b(?:higher|rising|soaring)\s+${gap(1)}prices\b`, 1, 2, { roles: ['equity'] }),

  // Central banks, inflation, yields: read through the asset's role.
  p(
    'rate_hike',
    String.raw`\b(?:raises?|raising|raised|hikes?|hiking|lifts?)\s+${gap(3)}(?:interest )?rates?\b|\brate hikes?\b|\b\d+ ?bps rate hike\b|\bhawkish\b`,
    -1,
    3,
    { roles: MARKETS },
  ),
  p(
    'rate_cut',
    String.raw`\b(?:cuts?|cutting|lowers?|lowered|reduces?|slashes)\s+${gap(3)}(?:interest )?rates?\b|\bbets on lower rates\b|\brate cuts?\b(?!\s+(?:hopes|jitters|rethink|unlikely|bets))|\brate-cut hopes\b`,
    1,
    3,
    { roles: MARKETS },
  ),
  p(
    'rate_cut_doubt',
    String.raw`\b(?:dent|dampens?|dash(?:es)?|fades?|wanes?|erodes?|rethink|jitters|dubious|unlikely|push(?:es|ing)? out)\b${gap(4)}`,
    -1,
    2,
    { roles: MARKETS },
  ),
  p(
    'inflation_hot',
    String.raw`\b(?:hot|hotter|higher|stronger)[ -]than[ -]expected\b|\bhot (?:inflation|cpi)\b|\binflation (?:surge|worry|fears?|spikes?)\b|\b(?:cpi|inflation|consumer prices)\s+${gap(3)}(?:tops|above)\s+${EXPECT}|\bcpi tops expectations\b`,
    -1,
    3,
    { roles: RISK },
  ),
  p(
    'inflation_cool',
    String.raw`\b(?:cool|cooler|softer|lower)[ -]than[ -](?:expected|estimates)\b|\binflation (?:cools|cooled|eases|slows)\b|\bcooler inflation\b|\bcools? more than expected\b|\binflation (?:lower|below) than\b|\binflation lower\b|\bsofter-than-expected\b`,
    1,
    3,
    { roles: RISK },
  ),
  p(
    'yields_up',
    String.raw`\byields?\s+${gap(3)}(?:jumps?|rises?|rose|climbs?|spikes?|surges?|surged|leaps?|soars?|rockets?|ticks? up|touch(?:es)?|hits?|highest|higher|tops?)\b|\b(?:bonds|treasuries) (?:slump|fall|sell off|tumble)\b`,
    -1,
    3,
    { roles: ['bond', 'index'] },
  ),
  p(
    'yields_down',
    String.raw`\byields?\s+${gap(3)}(?:falls?|fell|drops?|slides?|tumbles?|declines?|eases?|lower|sinks?|slips?)\b|\bbonds? (?:stage )?(?:rally|rallies|gain)\b`,
    1,
    3,
    { roles: ['bond', 'index'] },
  ),
  p('safe_haven', String.raw`\bsafe[ -]haven\b|\bseek (?:out )?havens\b|\bseek safety\b`, 1, 1, { roles: ['gold', 'bond'] }),
];

/**
 * Readings that leave the asset without a direction whatever the words around them: the end of a halt, a peg that
 * came back, a decision that changed nothing, a motion with no outcome. They win over the event patterns.
 */
export const HOLD_PATTERNS: readonly { id: string; re: RegExp; roles?: readonly AssetRole[] }[] = [
  {
    id: 'peg_restored',
    re: /\bregains? (?:its |the )?(?:dollar |\$1 )?peg\b|\bbut recovers\b|\bpeg (?:restored|recovered)\b/,
    roles: ['stablecoin'],
  },
  {
    id: 'service_resumed',
    re: /\b(?:restarts?|resumes?|restores?|re-enables?)\s+(?:all\s+)?(?:withdrawals|trading|transactions|services)\b/,
  },
  {
    id: 'rates_unchanged',
    re: /\bholds? (?:interest |us |u\.s\. |key |benchmark )?rates? (?:steady|unchanged)\b|\bleaves? (?:interest |key )?rates unchanged\b|\brates? (?:expected to )?remain steady\b|\bhold rates steady\b|\bkeeps? (?:interest )?rates (?:unchanged|steady)\b/,
    roles: MARKETS,
  },
  { id: 'no_reaction', re: /\bfails? to (?:lift|boost|move|rally)\b|\bmixed bag\b/ },
  // Accounting entries that move no cash.
  { id: 'non_cash', re: /\bnon-cash\b/ },
  {
    id: 'motion_no_outcome',
    re: /\b(?:bids?|seeks?|asks?|moves?) to (?:throw out|dismiss|block)\b|\bagrees? to settle\b|\bsettles? (?:patent )?(?:litigation|lawsuit|claims|dispute)\b/,
  },
];

/**
 * Items with no news for the next day: routine calendar items, explainers, lists, and previews asked as questions.
 * Checked first; a stated move in a clause that is not the question still wins ("X soars to a high, time to sell?").
 */
export const ROUTINE_RE =
  /\bex-dividend\b|\bdaily dividend report\b|\bearnings call transcript\b|\bto participate in\b|\bconference at\b|\bindustry outlook highlights\b|\bearnings preview\b|\bexplainer\b|\bwhat is next\b|\bwhy do\b|\bhere's how much\b|\bstock outlook 20\d\d\b|\bcash dividend on the way\b|\bdeclares \$[\d.]+ dividend\b|\bawards?\b|\bnominations?\b|\bstable outlook\b|\bpreview\b/;

/** A headline that asks instead of telling ("Will X beat?", "Is X set to...?", "Can X outsmart Y?"). */
export const QUESTION_RE = /^(?:will|is|are|can|could|should|does|do|has|have|what|how|which|why would)\b[^?]*\?\s*$/;
