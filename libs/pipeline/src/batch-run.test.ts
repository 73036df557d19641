import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@himari/config';
import type { TradingSignal } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { runBatch, type RejectLine } from './batch-run.ts';

function lines(...items: (string | Uint8Array)[]): Readable {
  const parts = items.map((i) => (typeof i === 'string' ? Buffer.from(i + '\n') : Buffer.concat([Buffer.from(i), Buffer.from('\n')])));
  return Readable.from([Buffer.concat(parts)]);
}

async function run(input: Readable) {
  const signals: { s: TradingSignal; line: number }[] = [];
  const rejects: RejectLine[] = [];
  const summary = await runBatch({
    config: loadConfig(),
    input,
    log: silentLogger(),
    onSignal: (s, line) => signals.push({ s, line }),
    onReject: (r) => rejects.push(r),
    idleTimeoutMs: 10_000,
  });
  return { signals, rejects, summary };
}

describe('runBatch (embedded mode)', () => {
  it('turns every good line into one signal and every bad line into one reject with its line number', async () => {
    const { signals, rejects, summary } = await run(
      lines(
        JSON.stringify({ id: 'a1', text: 'Apple beats earnings estimates and raises guidance', asset: 'AAPL' }),
        '',
        '{not json',
        JSON.stringify({ id: 'a2', text: '   ', asset: 'AAPL' }),
        JSON.stringify({ id: 'a1', text: 'same id again', asset: 'AAPL' }),
        new Uint8Array([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0xff, 0xfe, 0x7d]),
        JSON.stringify({ id: 'b1', text: 'Bitcoin exchange hacked, withdrawals halted', asset: '$btc' }),
        JSON.stringify({ id: 'c1', text: 'Tesla recalls vehicles', asset: 'TS\r\nLA' }),
      ),
    );
    expect(summary.items).toBe(7);
    expect(summary.timedOut).toBe(0);
    expect(signals.map((x) => [x.s.id, x.line]).sort()).toEqual([
      ['a1', 1],
      ['b1', 7],
    ]);
    const byLine = new Map(rejects.map((r) => [r.line, r]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 8]);
    expect(byLine.get(5)?.code).toBe('duplicate_id');
    expect(byLine.get(5)?.id).toBe('a1');
    expect(byLine.get(6)?.code).toBe('invalid_utf8');
    expect(byLine.get(4)?.code).toBe('empty_text');
    expect(byLine.get(8)?.code).toBe('invalid_asset');
    for (const r of rejects) expect(r.reason.length).toBeGreaterThan(5);
    const btc = signals.find((x) => x.s.id === 'b1')!.s;
    expect(btc.asset).toBe('BTC');
    expect(btc.provenance.generator).toBe('upstream');
    expect(btc.flags).toContain('no_llm');
    expect(btc.calibration.calibrated).toBe(false);
  });

  it('keeps every line accounted for on a larger stream', async () => {
    const n = 500;
    const items = Array.from({ length: n }, (_, i) =>
      i % 10 === 9
        ? `garbage ${i}`
        : JSON.stringify({ id: `n${i}`, text: `Company ${i} reports record revenue, shares rally`, asset: i % 2 ? 'MSFT' : 'ETH' }),
    );
    const { signals, rejects } = await run(lines(...items));
    expect(signals.length).toBe(450);
    expect(rejects.length).toBe(50);
    const seen = new Set([...signals.map((s) => s.line), ...rejects.map((r) => r.line)]);
    expect(seen.size).toBe(n);
  });
});
