import { describe, expect, it } from 'vitest';
import { cleanText, features, fnv1a, normalisedWords, words } from './text.ts';

describe('project encoder text features', () => {
  it('drops links, handles, retweet markers and StockNet placeholders, and joins split cashtags', () => {
    expect(words('RT @trader: $AAPL beats https://t.co/x1 estimates')).toEqual(['$aapl', 'beats', 'estimates']);
    expect(words('rt AT_USER $ aapl up 3.5 % URL')).toEqual(['$aapl', 'up', '3.5']);
    expect(cleanText('AT&amp;T’s deal')).toBe("at&t's deal");
  });

  it('makes word, bigram and character 4-gram features', () => {
    const f = features('Fed cuts', { words: true, bigrams: true, charNgrams: [4] });
    expect(f).toEqual(['w:fed', 'w:cuts', 'b:fed cuts', 'c:<fed', 'c:fed>', 'c:<cut', 'c:cuts', 'c:uts>']);
  });

  it('normalises repeats of one text to the same key', () => {
    expect(normalisedWords('RT @a: Apple up https://t.co/1')).toBe(normalisedWords('apple UP'));
  });

  it('hashes stably', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });
});
