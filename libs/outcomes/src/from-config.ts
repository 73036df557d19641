import type { Config } from '@himari/config';
import type { Logger } from '@himari/observability';
import type { HoldoutOptions } from './evaluate.ts';
import { Ledger } from './ledger.ts';
import { CalibrationService } from './service.ts';

type CalibrationConfig = Config['calibration'];

/** The ledger the config names (`calibration.ledger_path`; null: in memory). */
export function openLedger(c: CalibrationConfig, path: string | null = c.ledger_path): Ledger {
  return Ledger.open(path, { maxEntryWaitMs: c.max_entry_wait_s * 1000 });
}

export function calibrationServiceFrom(c: CalibrationConfig, ledger: Ledger, log?: Logger): CalibrationService {
  return new CalibrationService({
    ledger,
    method: c.method,
    minSamples: c.min_samples,
    refitEvery: c.refit_every,
    maxSamplesPerKey: c.max_samples_per_key,
    horizonSessions: c.horizon_sessions,
    ...(log ? { log } : {}),
  });
}

export function holdoutOptionsFrom(c: CalibrationConfig): HoldoutOptions {
  return {
    method: c.method,
    minSamples: c.min_samples,
    maxSamplesPerKey: c.max_samples_per_key,
    holdoutFraction: c.holdout_fraction,
    bins: c.bins,
  };
}

/** Every distinct horizon J4 may judge a signal over: the price feed must produce outcomes for each. */
export function horizonsFrom(c: CalibrationConfig): number[] {
  return [...new Set(Object.values(c.horizon_sessions))].sort((a, b) => a - b);
}
