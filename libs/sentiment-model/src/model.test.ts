import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SentimentScore } from '@himari/contracts';
import { sha256Hex } from '@himari/text-classifier';
import { loadSentimentModel } from './model.ts';
import { DEFAULT_MODEL_PATH } from './paths.ts';

const CARD = fileURLToPath(new URL('../../../models/sentiment/MODEL_CARD.md', import.meta.url));

describe('the committed model (models/sentiment/tfns-logreg.json)', () => {
  const model = loadSentimentModel(DEFAULT_MODEL_PATH);

  it('is the file its model card describes', () => {
    const sha = sha256Hex(readFileSync(DEFAULT_MODEL_PATH));
    expect(model.sha256).toBe(sha);
    expect(model.version).toBe('sha256:' + sha.slice(0, 16));
    // The card quotes the full hash: retraining without updating the card fails here.
    const quoted = /\| sha256 \| `([0-9a-f]{64})` \|/.exec(readFileSync(CARD, 'utf8'))?.[1];
    expect(quoted).toBe(sha);
  });

  it('was trained on TFNS minus its carved validation split, and remembers which texts', () => {
    expect(model.name).toBe('tfns-logreg');
    expect(model.training.data_format).toBe('tfns');
    expect(model.training.split.valid_fraction).toBe(0.15);
    expect(model.training.train_rows + model.training.valid_rows).toBe(model.training.rows_in_file);
    // One fingerprint per distinct text: 6 training tweets differ from another only in case or spacing.
    const distinct = model.trainingFingerprints().size;
    expect(distinct).toBeLessThanOrEqual(model.training.train_rows);
    expect(distinct).toBeGreaterThan(0.99 * model.training.train_rows);
    expect(model.training.converged).toBe(true);
  });

  it('scores clear examples sensibly, in the contract shape', () => {
    const cases: [string, 'positive' | 'negative' | 'neutral'][] = [
      ['$ACME shares soar after earnings beat and raised full-year guidance', 'positive'],
      ['Goldman upgrades $ACME to Buy, raises price target', 'positive'],
      ['$ACME plunges after revenue miss and guidance cut', 'negative'],
      ['Morgan Stanley downgrades $ACME to Underweight on weak demand', 'negative'],
      ['$ACME to present at the Barclays technology conference on Tuesday', 'neutral'],
    ];
    for (const [text, label] of cases) {
      const s = model.score(text);
      expect(SentimentScore.parse(s)).toEqual(s);
      expect({ text, label: s.label }).toEqual({ text, label });
      expect(s.compound).toBeCloseTo(s.probabilities.positive - s.probabilities.negative, 12);
      expect(s.scorer).toBe('trained');
      expect(s.model_version).toBe(model.version);
    }
    expect(model.score('$ACME beats estimates').compound).toBeGreaterThan(0.3);
    expect(model.score('$ACME misses estimates, shares fall').compound).toBeLessThan(-0.3);
  });

  it('gives the same answer one text at a time and in a batch, and handles empty text', () => {
    const texts = ['Stocks rally on strong jobs data', 'Oil slumps as demand fears grow', ''];
    expect(model.scoreBatch(texts)).toEqual(texts.map((t) => model.score(t)));
    expect(SentimentScore.safeParse(model.score('')).success).toBe(true);
  });
});
