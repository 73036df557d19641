import { fileURLToPath } from 'node:url';

/** The committed model: the default `trained` scorer when no FinBERT ONNX model is configured. Ships with the code. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../models/sentiment/tfns-logreg.json', import.meta.url));

/** Where models that must never be committed go (PhraseBank is CC BY-NC-SA): git-ignored. */
export const LOCAL_MODEL_DIR = fileURLToPath(new URL('../../../models/local/', import.meta.url));

/**
 * Inside the shared data folder (config `data.shared_dir`, outside the repo; read at training and evaluation time
 * only): the TFNS train file the committed model was trained from, and the Loughran-McDonald word lists.
 */
export const SENTIMENT_DATA = {
  tfnsTrain: 'twitter_financial_news_sentiment/train.csv',
  loughranMcDonald: 'loughran_mcdonald',
} as const;
