/**
 * Metrics of the pipeline's own actors (the feature read, J4's state), registered where the process's /metrics
 * reads. The dashboards in deploy/grafana and the alerts in deploy/prometheus use these names.
 */
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { CalibrationService } from '@himari/outcomes';

function getOrCreate<M extends Metric>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export interface FeatureReadMetrics {
  reads: Counter<'status'>;
  seconds: Histogram;
}

export function featureReadMetrics(registry: Registry = new Registry()): FeatureReadMetrics {
  const r = [registry];
  return {
    reads: getOrCreate(
      registry,
      'himari_feature_reads_total',
      () =>
        new Counter({
          name: 'himari_feature_reads_total',
          help: 'Feature reads answered, by status',
          labelNames: ['status'],
          registers: r,
        }),
    ),
    seconds: getOrCreate(
      registry,
      'himari_feature_read_seconds',
      () =>
        new Histogram({
          name: 'himari_feature_read_seconds',
          help: 'Time to answer a feature read (store round trip within the budget)',
          buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25],
          registers: r,
        }),
    ),
  };
}

/** J4's state, read from the service when Prometheus scrapes; and each calibrated signal by whether a map applied. */
export function calibrationMetrics(registry: Registry, service: CalibrationService): Counter<'calibrated'> {
  const r = [registry];
  const stat = (name: string, help: string, pick: (s: ReturnType<CalibrationService['stats']>) => number): void => {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: r,
      collect() {
        this.set(pick(service.stats()));
      },
    });
  };
  stat('himari_calibration_learnt_keys', 'Calibration keys (model, source, category) with a fitted map', (s) => s.learnt);
  stat('himari_calibration_labels', 'Labelled outcomes in the ledger', (s) => s.labels);
  stat('himari_calibration_refits', 'Refits run since the process started', (s) => s.refits);
  stat('himari_calibration_pending_refits', 'Refits queued off the signal path', (s) => s.pending);
  return getOrCreate(
    registry,
    'himari_calibration_signals_total',
    () =>
      new Counter({
        name: 'himari_calibration_signals_total',
        help: 'Signals through J4, by whether a fitted map calibrated them',
        labelNames: ['calibrated'],
        registers: r,
      }),
  );
}
