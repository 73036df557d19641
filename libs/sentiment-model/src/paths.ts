import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (libs/sentiment-model/src) rather than the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The committed model: the default `trained` scorer when no FinBERT ONNX model is configured. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../models/sentiment/tfns-logreg.json', import.meta.url));

/** The shared data folder beside the checkout (read at evaluation time only). */
export const DEFAULT_LM_DIR = fileURLToPath(new URL('../../../../shared/data/loughran_mcdonald/', import.meta.url));

/** The TFNS train file beside the checkout: what the committed model was trained from. */
export const DEFAULT_TFNS_TRAIN_PATH = fileURLToPath(
  new URL('../../../../shared/data/twitter_financial_news_sentiment/train.csv', import.meta.url),
);

/** Where models that must never be committed go (PhraseBank is CC BY-NC-SA): git-ignored. */
export const LOCAL_MODEL_DIR = fileURLToPath(new URL('../../../models/local/', import.meta.url));
