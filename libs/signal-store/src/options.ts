import { storeKeys } from '@himari/contracts';
import type { Config } from '@himari/config';
import { SignalStoreError, type SignalStoreOptions } from './types.ts';

/**
 * The bus prefix scopes ingest duplicate detection, so two deployments on one Redis do not see each other's news ids
 * as duplicates; every other key lives under `redis.key_prefix`.
 */
export function storeOptionsFromConfig(config: Config): SignalStoreOptions {
  return checkStoreOptions({
    keys: storeKeys(config.redis.key_prefix, config.nats.prefix),
    signalTtlS: config.redis.signal_ttl_s,
    historyLength: config.redis.history_length,
    ewmaAlpha: config.redis.ewma_alpha,
    appliedTtlS: config.redis.applied_ttl_s,
    dedupeTtlS: config.ingest.dedupe_ttl_s,
  });
}

/** Redis rejects a non-integer or zero TTL at the first write; failing at construction names the option instead. */
export function checkStoreOptions(opts: SignalStoreOptions): SignalStoreOptions {
  const ints: [keyof SignalStoreOptions, number][] = [
    ['signalTtlS', opts.signalTtlS],
    ['historyLength', opts.historyLength],
    ['appliedTtlS', opts.appliedTtlS],
    ['dedupeTtlS', opts.dedupeTtlS],
  ];
  for (const [name, v] of ints) {
    if (!Number.isInteger(v) || v < 1) {
      throw new SignalStoreError('invalid_options', `${name} must be a positive integer, got ${String(v)}`);
    }
  }
  if (!(opts.ewmaAlpha > 0 && opts.ewmaAlpha <= 1)) {
    throw new SignalStoreError('invalid_options', `ewmaAlpha must be in (0, 1], got ${String(opts.ewmaAlpha)}`);
  }
  return opts;
}

/** Both stores read at most `limit` newest entries; a non-positive limit reads nothing. */
export function historyLimit(limit: number | undefined, historyLength: number): number {
  if (limit === undefined) return historyLength;
  if (!Number.isFinite(limit)) throw new SignalStoreError('invalid_options', `history limit must be finite, got ${limit}`);
  return Math.max(0, Math.floor(limit));
}
