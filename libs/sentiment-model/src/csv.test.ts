import { describe, expect, it } from 'vitest';
import { detectFormat, filterAgreement, parseLabelledCsv } from './csv.ts';
import { DatasetFormatError } from './errors.ts';

describe('CSV layouts', () => {
  it('reads TFNS text,label with 0 bearish / 1 bullish / 2 neutral, including quoted newlines', () => {
    const csv = 'text,label\n"$X cut to sell,\nweak outlook",0\n$Y upgraded,1\n$Z to present,2\n';
    const r = parseLabelledCsv(csv);
    expect(r.format).toBe('tfns');
    expect(r.rows).toEqual([
      { text: '$X cut to sell,\nweak outlook', label: 'negative' },
      { text: '$Y upgraded', label: 'positive' },
      { text: '$Z to present', label: 'neutral' },
    ]);
  });

  it('reads PhraseBank sentence,label,agreement and sentence,label', () => {
    const r = parseLabelledCsv('sentence,label,agreement\nProfit rose .,positive,100\nSales fell .,negative,66\n');
    expect(r.format).toBe('phrasebank');
    expect(r.rows[1]).toEqual({ text: 'Sales fell .', label: 'negative', agreement: 66 });
    expect(parseLabelledCsv('sentence,label\nIt is .,neutral\n').rows).toEqual([{ text: 'It is .', label: 'neutral' }]);
  });

  it('reads a headerless file by its label values', () => {
    expect(parseLabelledCsv('Profit rose .,positive\n').format).toBe('phrasebank');
    expect(parseLabelledCsv('$X up,1\n').rows).toEqual([{ text: '$X up', label: 'positive' }]);
  });

  it('refuses labels that fit no layout, or the wrong forced layout', () => {
    expect(() => parseLabelledCsv('text,label\na,bullish\n')).toThrow(DatasetFormatError);
    expect(() => parseLabelledCsv('text,label\na,5\n')).toThrow(/cannot tell/);
    expect(() => parseLabelledCsv('text,label\na,1\n', 'phrasebank')).toThrow(/not a phrasebank label/);
    expect(() => parseLabelledCsv('text,label\n')).toThrow(DatasetFormatError);
  });

  it('detects the format from label values', () => {
    expect(detectFormat(['0', '2'])).toBe('tfns');
    expect(detectFormat(['neutral'])).toBe('phrasebank');
    expect(detectFormat(['0', 'neutral'])).toBeNull();
    expect(detectFormat([])).toBeNull();
  });

  it('filters by agreement and refuses when there is no agreement column', () => {
    const r = parseLabelledCsv('sentence,label,agreement\na,positive,100\nb,negative,50\n');
    expect(filterAgreement(r.rows, 100).map((x) => x.text)).toEqual(['a']);
    expect(filterAgreement(r.rows, undefined)).toHaveLength(2);
    const noAgreement = parseLabelledCsv('text,label\na,1\n').rows;
    expect(() => filterAgreement(noAgreement, 100)).toThrow(DatasetFormatError);
  });
});
