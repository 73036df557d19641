// Offline: train the project encoder and read the public corpora it is trained and evaluated on (CLI and benches).
export { trainProjectEncoder, writeProjectEncoder, dedupeTexts, DEFAULT_TRAIN, type TrainOptions, type TrainedEncoder } from './train.ts';
export {
  isTopicHeldOut,
  readTopic,
  readSentimentTexts,
  readStocknet,
  trainingCorpus,
  STOCKNET_EVAL_FROM,
  type TopicRow,
  type StocknetRow,
  type CorpusFile,
  type TrainingCorpus,
} from './corpora.ts';
