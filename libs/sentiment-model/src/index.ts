// Runtime: load the committed (or a configured) model and score text. Training, evaluation and tuning are offline
// work and live behind `@himari/sentiment-model/offline`.
export { LABELS, type Label } from './labels.ts';
export { SentimentModelError } from './errors.ts';
export { TrainedSentimentModel, loadSentimentModel, parseSentimentModel, SCORER_KIND, MODEL_FORMAT, type TrainingInfo } from './model.ts';
export { DEFAULT_MODEL_PATH } from './paths.ts';
