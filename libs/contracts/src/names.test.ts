import { describe, expect, it } from 'vitest';
import { InvalidAssetError, normaliseAsset } from './names.ts';

describe('normaliseAsset', () => {
  it('upper-cases ASCII symbols and drops a cashtag', () => {
    expect(normaliseAsset('$btc')).toBe('BTC');
    expect(normaliseAsset('brk.b')).toBe('BRK.B');
  });

  it.each(['ſpy', 'ﬀ', 'ＡＡＰＬ', 'АAPL', 'BTC\u0000', 'A:*', 'BTC\r\nX', 'a b', ''])(
    'refuses %j before Unicode case folding can turn it into a real ticker',
    (raw) => {
      expect(() => normaliseAsset(raw)).toThrow(InvalidAssetError);
    },
  );
});
