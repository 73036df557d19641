import { describe, expect, it } from 'vitest';
import { cleanText, codePointLength, truncateAtWord } from './text.ts';

describe('cleanText', () => {
  it('reports nothing for clean text', () => {
    expect(cleanText('Apple beats on revenue')).toEqual({
      text: 'Apple beats on revenue',
      controlCharsStripped: false,
      invisibleCharsStripped: false,
      bidiControlsStripped: false,
      invalidUnicodeReplaced: false,
    });
  });

  it('turns vertical tab and form feed into spaces so words stay apart', () => {
    const r = cleanText('rates\u000brise\u000cagain');
    expect(r.text).toBe('rates rise again');
    expect(r.controlCharsStripped).toBe(true);
  });

  it('maps Unicode line separators and NEL to newlines', () => {
    expect(cleanText('a\u2028b\u2029c\u0085d').text).toBe('a\nb\nc\nd');
  });

  it('collapses Unicode spaces', () => {
    expect(cleanText('a\u00a0\u00a0b\u3000c\u2009 d').text).toBe('a b c d');
  });

  it('single-line mode folds line breaks', () => {
    expect(cleanText(' Reuters \n\n wire ', true).text).toBe('Reuters wire');
  });

  it('strips soft hyphens and Unicode tag characters (ASCII smuggling)', () => {
    const hidden = Array.from('BUY', (c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    const r = cleanText(`earn\u00adings beat${hidden}`);
    expect(r.text).toBe('earnings beat');
    expect(r.invisibleCharsStripped).toBe(true);
  });

  it('keeps emoji and non-Latin text intact', () => {
    expect(cleanText('株価 上昇 📈 Ünïcödé').text).toBe('株価 上昇 📈 Ünïcödé');
  });
});

describe('truncateAtWord', () => {
  it('does nothing within the limit', () => {
    expect(truncateAtWord('short text', 16)).toEqual({ text: 'short text', truncated: false, originalChars: 10 });
  });

  it('cuts before the last word that does not fit', () => {
    expect(truncateAtWord('aaaa bbbb cccc dddd eeee', 22)).toEqual({ text: 'aaaa bbbb cccc dddd', truncated: true, originalChars: 24 });
  });

  it('keeps a cut that already ends at a word boundary', () => {
    expect(truncateAtWord('aaaa bbbb cccc', 9).text).toBe('aaaa bbbb');
  });

  it('cuts mid-word rather than lose more than a fifth of the allowed length', () => {
    expect(truncateAtWord('ab ' + 'c'.repeat(40), 20).text).toBe('ab ' + 'c'.repeat(17));
  });

  it('counts code points', () => {
    expect(codePointLength('a📈b')).toBe(3);
    expect(truncateAtWord('📈📈📈', 2).text).toBe('📈📈');
  });
});
