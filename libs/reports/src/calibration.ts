/** The calibration report: reliability before/after on held-out outcomes, ECE/MCE, counts per bin, per key. */
import { htmlPage, note, table, type Section } from './html.ts';
import { esc, reliabilitySvg, type ReliabilityBinLike } from './svg.ts';

/** What `evaluateHoldout` (in @himari/outcomes) returns; structural so that this library stays free of J4's code. */
export interface CalibrationReportLike {
  method: string;
  bins: number;
  n_fit: number;
  n_eval: number;
  n_embargoed: number;
  n_eval_calibrated: number;
  split_at: string;
  ece_raw: number;
  ece_calibrated: number;
  mce_raw: number;
  mce_calibrated: number;
  eval_hit_rate: number;
  reliability_raw: readonly ReliabilityBinLike[];
  reliability_calibrated: readonly ReliabilityBinLike[];
  keys: readonly { key: string; n_fit: number; n_eval: number; fitted: boolean; ece_raw: number | null; ece_calibrated: number | null }[];
  served: { n: number; n_calibrated: number; ece: number; mce: number; reliability: readonly ReliabilityBinLike[] } | null;
  /** Brier and its decomposition, AUC, sharpness and the collapse verdict (absent in reports written before them). */
  summary_raw?: CalibrationSummaryLike;
  summary_calibrated?: CalibrationSummaryLike;
}

export interface CalibrationSummaryLike {
  brier: number;
  reliability: number;
  resolution: number;
  uncertainty: number;
  auc: number | null;
  sharpness: { std: number; top_bin_share: number; histogram: readonly { lo: number; hi: number; count: number }[] };
  informative?: boolean;
  collapsed: boolean;
  verdict: string;
}

const n0 = (x: number): string => x.toLocaleString('en-US');

export function calibrationReliabilitySvg(r: CalibrationReportLike): string {
  return reliabilitySvg(
    [
      {
        title: 'Before: raw confidence',
        bins: r.reliability_raw,
        subtitle: `ECE ${r.ece_raw.toFixed(3)} · MCE ${r.mce_raw.toFixed(3)} · n ${n0(r.n_eval)}`,
      },
      {
        title: `After: ${r.method}`,
        bins: r.reliability_calibrated,
        subtitle: `ECE ${r.ece_calibrated.toFixed(3)} · MCE ${r.mce_calibrated.toFixed(3)} · n ${n0(r.n_eval)}`,
      },
    ],
    { title: `Reliability on ${n0(r.n_eval)} held-out outcomes (${r.bins} bins)` },
  );
}

/** The sections that describe a calibration report; the backtest page embeds them too. */
export function calibrationSections(r: CalibrationReportLike): Section[] {
  const summary = table(
    ['', 'raw', 'calibrated'],
    [
      ['ECE (15 equal-width bins, weighted)', r.ece_raw, r.ece_calibrated],
      ['MCE', r.mce_raw, r.mce_calibrated],
      ...(r.summary_raw && r.summary_calibrated
        ? [
            ['Brier score', r.summary_raw.brier, r.summary_calibrated.brier],
            ['  reliability (lower is better)', r.summary_raw.reliability, r.summary_calibrated.reliability],
            ['  resolution (higher is better)', r.summary_raw.resolution, r.summary_calibrated.resolution],
            ['  uncertainty (fixed by the data)', r.summary_raw.uncertainty, r.summary_calibrated.uncertainty],
            ['AUC of confidence for a right direction', r.summary_raw.auc, r.summary_calibrated.auc],
            ['sharpness: std of confidence', r.summary_raw.sharpness.std, r.summary_calibrated.sharpness.std],
            ['sharpness: share in the fullest bin', r.summary_raw.sharpness.top_bin_share, r.summary_calibrated.sharpness.top_bin_share],
          ]
        : []),
    ],
  );
  const bins = table(
    ['bin', 'n raw', 'mean conf raw', 'accuracy raw', 'n calibrated', 'mean conf calibrated', 'accuracy calibrated'],
    r.reliability_raw.map((b, i) => {
      const c = r.reliability_calibrated[i]!;
      return [`[${b.lo.toFixed(3)}, ${b.hi.toFixed(3)})`, b.count, b.mean_confidence, b.accuracy, c.count, c.mean_confidence, c.accuracy];
    }),
  );
  const keys = table(
    ['key (model | source | event category)', 'n fit', 'n held out', 'fitted', 'ECE raw', 'ECE calibrated'],
    r.keys.map((k) => [k.key, k.n_fit, k.n_eval, k.fitted ? 'yes' : 'no (too few)', k.ece_raw, k.ece_calibrated]),
  );
  const sections: Section[] = [
    {
      heading: 'Calibration on held-out outcomes',
      html: [
        `<p>Time-ordered split: the newest share of labelled signals (from ${esc(r.split_at)}) is held out; maps are fitted per key on the older ${n0(r.n_fit)} labels whose outcome was known before the split (${n0(r.n_embargoed)} more were embargoed because their return window overlaps the held-out period). Method <code>${esc(r.method)}</code>. Held out: ${n0(r.n_eval)} signals, ${n0(r.n_eval_calibrated)} of them under a fitted map; their hit rate is ${(100 * r.eval_hit_rate).toFixed(1)}%.</p>`,
        summary,
        ...(r.summary_raw && r.summary_calibrated
          ? [note(`Raw: ${r.summary_raw.verdict}`), note(`Calibrated: ${r.summary_calibrated.verdict}`)]
          : []),
        calibrationReliabilitySvg(r),
      ].join('\n'),
    },
    { heading: 'Counts per bin (held-out)', html: bins },
    { heading: 'Per calibration key', html: keys },
  ];
  if (r.served) {
    sections.push({
      heading: 'As served',
      html: note(
        `The confidence each of ${n0(r.served.n)} labelled signals was actually published with (${n0(r.served.n_calibrated)} under a fitted map, the rest passed through before their key had ${'min_samples'} outcomes): ECE ${r.served.ece.toFixed(3)}, MCE ${r.served.mce.toFixed(3)}. Also held out (each map was fitted before the signal's own outcome existed), but it mixes maps of every age and the uncalibrated start.`,
      ),
    });
  }
  return sections;
}

export function calibrationReportHtml(r: CalibrationReportLike, opts: { title?: string; generatedAt?: string } = {}): string {
  return htmlPage(
    opts.title ?? 'HIMARI J4 calibration report',
    calibrationSections(r),
    opts.generatedAt ? { generatedAt: opts.generatedAt } : {},
  );
}
