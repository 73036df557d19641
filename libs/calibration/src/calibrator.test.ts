import { describe, expect, it } from 'vitest';
import { CalibrationInfo } from '@himari/contracts';
import { Calibrator, calibrationKeyOf, keyHash, type CalibrationMethod } from './calibrator.ts';
import { expectedCalibrationError } from './metrics.ts';
import { overconfident } from './testing.ts';
import { CalibrationInputError } from './validate.ts';

const KEY = calibrationKeyOf({ model: 'none', source: 'test-feed', event_category: 'earnings' });

describe('Calibrator', () => {
  it('passes confidence through until a key has minSamples outcomes, then calibrates', () => {
    const cal = new Calibrator({ method: 'isotonic', minSamples: 100, refitEvery: 50 });
    const before = cal.calibrate(KEY, 0.9);
    expect(before).toEqual({
      confidence: 0.9,
      calibration: { calibrated: false, method: 'none', map_version: 'identity', raw_confidence: 0.9 },
    });
    expect(CalibrationInfo.safeParse(before.calibration).success).toBe(true);

    const { conf, correct } = overconfident(100, 1);
    for (let i = 0; i < 99; i++) expect(cal.observe(KEY, conf[i]!, correct[i]!).refitted).toBe(false);
    expect(cal.calibrate(KEY, 0.9).calibration.calibrated).toBe(false);

    const last = cal.observe(KEY, conf[99]!, correct[99]!);
    expect(last).toEqual({ n: 100, refitted: true, map_version: `isotonic:${keyHash(KEY)}:100` });
    const after = cal.calibrate(KEY, 0.9);
    expect(after.calibration).toEqual({
      calibrated: true,
      method: 'isotonic',
      map_version: `isotonic:${keyHash(KEY)}:100`,
      raw_confidence: 0.9,
    });
    expect(CalibrationInfo.safeParse(after.calibration).success).toBe(true);
    expect(after.confidence).toBeLessThan(0.9);

    // Other keys are untouched.
    expect(cal.calibrate('other', 0.9).calibration.calibrated).toBe(false);
  });

  it('refits after minSamples, then every refitEvery outcomes', () => {
    const cal = new Calibrator({ method: 'platt', minSamples: 100, refitEvery: 50 });
    const { conf, correct } = overconfident(1000, 2);
    const refitAt: number[] = [];
    conf.forEach((c, i) => {
      const r = cal.observe(KEY, c, correct[i]!);
      if (r.refitted) refitAt.push(r.n);
    });
    expect(refitAt).toEqual(Array.from({ length: 19 }, (_, i) => 100 + 50 * i));
    expect(cal.mapFor(KEY)?.version).toBe(`platt:${keyHash(KEY)}:1000`);
  });

  for (const method of ['isotonic', 'platt'] as CalibrationMethod[]) {
    it(`${method}: reduces held-out ECE on overconfident data`, () => {
      const cal = new Calibrator({ method, minSamples: 500, refitEvery: 500 });
      const train = overconfident(5000, 3);
      train.conf.forEach((c, i) => cal.observe(KEY, c, train.correct[i]!));
      const test = overconfident(5000, 4);
      const rawEce = expectedCalibrationError(test.conf, test.correct);
      const calibrated = test.conf.map((c) => cal.calibrate(KEY, c).confidence);
      const calEce = expectedCalibrationError(calibrated, test.correct);
      expect(rawEce).toBeGreaterThan(0.1);
      expect(calEce).toBeLessThan(rawEce / 3);
      expect(calEce).toBeLessThan(0.04);
    });
  }

  it('keeps only the newest maxSamplesPerKey outcomes but counts all', () => {
    const cal = new Calibrator({ method: 'isotonic', minSamples: 10, refitEvery: 10, maxSamplesPerKey: 200 });
    const { conf, correct } = overconfident(1000, 5);
    conf.forEach((c, i) => cal.observe(KEY, c, correct[i]!));
    const entry = cal.snapshot().entries[0]!;
    expect(entry.n).toBe(1000);
    expect(entry.scores).toHaveLength(200);
    expect(entry.scores[199]).toBe(conf[999]);
    expect(cal.mapFor(KEY)?.map.n).toBe(200);
  });

  it('snapshots and restores: same outputs, same refit schedule', () => {
    const opts = { method: 'isotonic' as const, minSamples: 100, refitEvery: 50 };
    const cal = new Calibrator(opts);
    const { conf, correct } = overconfident(230, 6);
    conf.forEach((c, i) => cal.observe(i % 2 === 0 ? KEY : 'k2', c, correct[i]!));
    const copy = Calibrator.fromSnapshot(JSON.parse(JSON.stringify(cal.snapshot())), opts);
    for (const key of [KEY, 'k2', 'never-seen']) {
      for (let s = 0; s <= 1; s += 0.05) expect(copy.calibrate(key, s)).toEqual(cal.calibrate(key, s));
    }
    // KEY has 115 outcomes, fitted at 100: both refit at the 150th.
    const more = overconfident(35, 7);
    more.conf.forEach((c, i) => {
      const a = cal.observe(KEY, c, more.correct[i]!);
      const b = copy.observe(KEY, c, more.correct[i]!);
      expect(b).toEqual(a);
    });
    expect(copy.mapFor(KEY)?.version).toBe(`isotonic:${keyHash(KEY)}:150`);
  });

  it('rejects a bad snapshot, a bad confidence and a bad outcome', () => {
    const cal = new Calibrator({ method: 'isotonic', minSamples: 10, refitEvery: 5 });
    expect(() =>
      cal.restore({
        v: 1,
        method: 'isotonic',
        entries: [{ key: 'k', n: 1, fitted_at_n: 0, scores: [0.5], outcomes: [1], map: null, map_version: 'isotonic:x:1' }],
      }),
    ).toThrow(CalibrationInputError);
    expect(() => cal.restore({ v: 2 })).toThrow(CalibrationInputError);
    expect(() => cal.calibrate(KEY, 1.2)).toThrow(CalibrationInputError);
    expect(() => cal.calibrate(KEY, NaN)).toThrow(CalibrationInputError);
    expect(() => cal.observe(KEY, 0.5, 2 as 0)).toThrow(CalibrationInputError);
    expect(() => new Calibrator({ method: 'isotonic', minSamples: 0, refitEvery: 5 })).toThrow(CalibrationInputError);
  });

  it('accepts booleans as outcomes', () => {
    const cal = new Calibrator({ method: 'isotonic', minSamples: 2, refitEvery: 1 });
    cal.observe(KEY, 0.2, false);
    cal.observe(KEY, 0.8, true);
    expect(cal.calibrate(KEY, 0.8).confidence).toBe(1);
    expect(cal.calibrate(KEY, 0.2).confidence).toBe(0);
  });
});

describe('calibrationKeyOf', () => {
  it('keeps parts apart even when they contain the separator', () => {
    const a = calibrationKeyOf({ model: 'a|b', source: 'c', event_category: 'macro' });
    const b = calibrationKeyOf({ model: 'a', source: 'b|c', event_category: 'macro' });
    expect(a).not.toBe(b);
  });
});
