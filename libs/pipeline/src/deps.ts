import type { Config } from '@himari/config';
import type { BusNames } from '@himari/contracts';
import type { Transport } from '@himari/bus';
import type { Logger } from '@himari/observability';
import type { SentimentScorer } from '@himari/sentiment';
import type { SignalStore } from '@himari/signal-store';

/** Everything the actor definitions need, built once per process by the app or the embedded runner. */
export interface PipelineDeps {
  config: Config;
  names: BusNames;
  store: SignalStore;
  /** For request-reply between actors (the LLM actors' RAG searches). */
  transport: Transport;
  scorer: SentimentScorer;
  log: Logger;
  clock: () => number;
}
