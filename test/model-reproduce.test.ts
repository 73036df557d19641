/**
 * The committed sentiment model is a build product: training it again from the public TFNS file (in the shared data
 * folder) with the defaults must give the same bytes. Skipped where the shared data is absent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '@himari/config/testing';
import { DEFAULT_MODEL_PATH } from '@himari/sentiment-model';
import { SENTIMENT_DATA, trainSentiment } from '@himari/sentiment-model/offline';
import { sha256Hex } from '@himari/text-classifier';

const TFNS = sharedDataPath(SENTIMENT_DATA.tfnsTrain);
const dir = mkdtempSync(join(tmpdir(), 'himari-reproduce-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(TFNS))('the committed sentiment model', () => {
  it('is what training on the TFNS file with the defaults writes, byte for byte', async () => {
    const out = join(dir, 'tfns-logreg.json');
    const r = await trainSentiment({ data: TFNS, out });
    const committed = readFileSync(DEFAULT_MODEL_PATH);
    expect(sha256Hex(readFileSync(out))).toBe(sha256Hex(committed));
    expect(r.model_version).toBe('sha256:' + sha256Hex(committed).slice(0, 16));
  }, 300_000);
});
