import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '@himari/structured-output';
import { completionFor, FinetuneDataError, readLabelled, toPromptCompletion } from './finetune.ts';

const dir = mkdtempSync(join(tmpdir(), 'himari-ft-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('finetune data', () => {
  it('reads both layouts by header, mapping labels and agreement, skipping unknown labels', async () => {
    const tfns = await readLabelled(
      file('tfns.csv', 'text,label\n"$AAPL beats, guidance up",1\nTesla recall widens,0\nFed holds rates,2\nodd row,7\n'),
    );
    expect(tfns.layout).toBe('tfns');
    expect(tfns.examples.map((e) => e.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(tfns.skipped).toBe(1);
    const pb = await readLabelled(
      file('pb.csv', 'sentence,label,agreement\n"Profit rose , the company said .",positive,100\nSales fell .,negative,66\n'),
    );
    expect(pb.layout).toBe('phrasebank');
    expect(pb.examples[0]).toEqual({ text: 'Profit rose , the company said .', label: 'positive', agreement: 1 });
    await expect(readLabelled(file('bad.csv', 'a,b\n1,2\n'))).rejects.toBeInstanceOf(FinetuneDataError);
  });

  it('writes the opt-actor prompt with the news fenced, and a completion J6 reads back as the label', async () => {
    const e = { text: 'Tesla recall widens', label: 'negative' as const };
    const pc = toPromptCompletion(e, 0, { format: 'json', maxInputChars: 2000, maxReasoningChars: 400 });
    expect(pc.prompt).toContain('Analyze the following financial news');
    expect(pc.prompt).toMatch(/<<<NEWS-[0-9a-f]{24}>>>\nTesla recall widens\n<<<END-NEWS-[0-9a-f]{24}>>>/);
    expect(pc.prompt.endsWith('Answer:\n')).toBe(true);
    const parsed = parseModelOutput(pc.completion);
    expect(parsed.ok && parsed.value.direction === 'SELL' && parsed.value.sentiment === -0.7 && parsed.value.confidence === 0.8).toBe(true);
    expect(pc.messages.at(-1)).toEqual({ role: 'assistant', content: pc.completion });
    expect(toPromptCompletion(e, 0, { format: 'json', maxInputChars: 2000, maxReasoningChars: 400 })).toEqual(pc);
    const lines = parseModelOutput(completionFor({ text: 'x', label: 'positive', agreement: 0.66 }, 'lines'));
    expect(lines.ok && lines.value.direction === 'BUY' && lines.value.confidence === 0.75).toBe(true);
  });
});
