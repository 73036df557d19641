import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CalibrationService } from '@himari/outcomes';
import { calibrationMetrics, featureReadMetrics } from './metrics.ts';

describe('pipeline actor metrics', () => {
  it('J4 state is read from the service at scrape time', async () => {
    const registry = new Registry();
    let learnt = 2;
    const service = {
      stats: () => ({ signals: 9, outcomes: 5, labels: 140, learnt, refits: 3, pending: 1, fit_ms_total: 0, fit_ms_max: 0 }),
    };
    const calibrated = calibrationMetrics(registry, service as unknown as CalibrationService);
    calibrated.inc({ calibrated: 'true' });
    learnt = 4;
    const text = await registry.metrics();
    expect(text).toMatch(/^himari_calibration_learnt_keys 4$/m);
    expect(text).toMatch(/^himari_calibration_labels 140$/m);
    expect(text).toMatch(/^himari_calibration_pending_refits 1$/m);
    expect(text).toMatch(/^himari_calibration_signals_total\{calibrated="true"\} 1$/m);
  });

  it('feature reads are counted by status, and a second registration reuses the first', async () => {
    const registry = new Registry();
    featureReadMetrics(registry).reads.inc({ status: 'timeout' });
    featureReadMetrics(registry).reads.inc({ status: 'timeout' });
    expect(await registry.metrics()).toMatch(/^himari_feature_reads_total\{status="timeout"\} 2$/m);
  });
});
