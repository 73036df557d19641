/**
 * J1 fine-tuning data: labelled sentences → the design's prompt/completion pairs, in the exact prompt the opt-actor
 * sends (so that the adapter is trained on what it will see), with the completion in the prompt's answer format.
 *
 * Layouts read (by header): Twitter Financial News Sentiment `text,label` with 0 bearish / 1 bullish / 2 neutral,
 * and Financial PhraseBank `sentence,label[,agreement]` with positive / negative / neutral. The completion's numbers
 * come from the label alone: sentiment ±0.7 or 0, and a confidence from the annotators' agreement where the data
 * has it (PhraseBank: 100% → 0.95, 75% → 0.85, 66% → 0.75, 50% → 0.6; TFNS: 0.8). The reasoning says it is a label.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import type { NewsItem } from '@himari/contracts';
import { plainPrompt } from './backends/llama-cpp.ts';
import { fence } from './prompt-safety.ts';
import { buildOptPrompt, type OptFormat } from './prompts.ts';
import type { ChatMessage } from './types.ts';

export type Label = 'positive' | 'negative' | 'neutral';
export type Layout = 'tfns' | 'phrasebank';

export interface LabelledExample {
  text: string;
  label: Label;
  /** Annotator agreement 0..1, when the data has it. */
  agreement?: number | undefined;
}

export class FinetuneDataError extends Error {
  override readonly name = 'FinetuneDataError';
  readonly retryable = false;
}

const TFNS_LABELS: Record<string, Label> = { '0': 'negative', '1': 'positive', '2': 'neutral' };

/** Reads a labelled CSV in either layout; rows with an unknown label are counted, not guessed. */
export async function readLabelled(file: string): Promise<{ layout: Layout; examples: LabelledExample[]; skipped: number }> {
  const examples: LabelledExample[] = [];
  let layout: Layout | null = null;
  let skipped = 0;
  const rows = createReadStream(file).pipe(
    parseCsv({ columns: true, relax_quotes: true, skip_empty_lines: true, bom: true }),
  ) as AsyncIterable<Record<string, string>>;
  for await (const r of rows) {
    if (layout === null) {
      if ('text' in r && 'label' in r) layout = 'tfns';
      else if ('sentence' in r && 'label' in r) layout = 'phrasebank';
      else
        throw new FinetuneDataError(
          `${file}: expected columns text,label (TFNS) or sentence,label[,agreement] (PhraseBank), got ${Object.keys(r).join(',')}`,
        );
    }
    const text = (layout === 'tfns' ? r['text'] : r['sentence'])?.trim() ?? '';
    const raw = (r['label'] ?? '').trim().toLowerCase();
    const label = layout === 'tfns' ? TFNS_LABELS[raw] : raw === 'positive' || raw === 'negative' || raw === 'neutral' ? raw : undefined;
    if (text === '' || label === undefined) {
      skipped++;
      continue;
    }
    const agreement =
      r['agreement'] !== undefined && r['agreement'] !== '' ? Number(r['agreement']) / (Number(r['agreement']) > 1 ? 100 : 1) : undefined;
    examples.push({ text, label, ...(agreement !== undefined && Number.isFinite(agreement) ? { agreement } : {}) });
  }
  if (layout === null) throw new FinetuneDataError(`${file}: no rows`);
  return { layout, examples, skipped };
}

export function labelConfidence(agreement: number | undefined): number {
  if (agreement === undefined) return 0.8;
  if (agreement >= 0.99) return 0.95;
  if (agreement >= 0.75) return 0.85;
  if (agreement >= 0.66) return 0.75;
  return 0.6;
}

export function completionFor(e: LabelledExample, format: OptFormat): string {
  const direction = e.label === 'positive' ? 'BUY' : e.label === 'negative' ? 'SELL' : 'HOLD';
  const sentiment = e.label === 'positive' ? 0.7 : e.label === 'negative' ? -0.7 : 0;
  const confidence = labelConfidence(e.agreement);
  const reasoning = `Human annotators labelled this news ${e.label === 'positive' ? 'bullish' : e.label === 'negative' ? 'bearish' : 'neutral'} for the asset.`;
  if (format === 'lines') return `SENTIMENT: ${sentiment}\nCONFIDENCE: ${confidence}\nDIRECTION: ${direction}\nREASONING: ${reasoning}`;
  return JSON.stringify({
    sentiment,
    confidence,
    direction,
    reasoning,
    entities: [],
    events: [],
    timeframe: 'short_term',
    magnitude: e.label === 'neutral' ? 'low' : 'medium',
  });
}

export interface PromptCompletion {
  prompt: string;
  completion: string;
  /** The same prompt as chat messages, for chat-tuned models (TRL's conversational format). */
  messages: ChatMessage[];
  label: Label;
}

export interface PrepareOptions {
  format: OptFormat;
  maxInputChars: number;
  maxReasoningChars: number;
  /** Asset named in the prompt; labelled sentences rarely name one. @default 'ASSET' */
  asset?: string;
}

/** One pair per example; the fence nonce is derived from the text, so the same data gives the same file. */
export function toPromptCompletion(e: LabelledExample, i: number, o: PrepareOptions): PromptCompletion {
  const news: NewsItem = {
    v: 1,
    id: `ft-${i}`,
    text: e.text,
    asset: o.asset ?? 'ASSET',
    source: 'labelled-data',
    kind: 'news',
    published_at: '1970-01-01T00:00:00.000Z',
    received_at: 0,
    truncated: false,
    original_chars: e.text.length,
    flags: [],
  };
  const nonce = createHash('sha256').update(`${i}:${e.text}`).digest('hex').slice(0, 24);
  const p = buildOptPrompt({
    news,
    format: o.format,
    maxInputChars: o.maxInputChars,
    maxReasoningChars: o.maxReasoningChars,
    fence: fence(nonce),
  });
  const completion = completionFor(e, o.format);
  return {
    prompt: plainPrompt(p.messages),
    completion,
    messages: [...p.messages, { role: 'assistant', content: completion }],
    label: e.label,
  };
}
