import type { Config } from '@himari/config';
import type { BusNames } from '@himari/contracts';
import type { Transport } from '@himari/bus';
import type { Logger } from '@himari/observability';
import type { CalibrationService } from '@himari/outcomes';
import type { Registry } from 'prom-client';
import type { AsyncSentimentScorer } from '@himari/sentiment';
import type { SignalStore } from '@himari/signal-store';

/** Everything the actor definitions need, built once per process by the app or the embedded runner. */
export interface PipelineDeps {
  config: Config;
  names: BusNames;
  store: SignalStore;
  /** For request-reply between actors (the LLM actors' RAG searches). */
  transport: Transport;
  /** J5's scorer: async, since the ONNX model runs off the caller's turn (micro-batched). */
  scorer: AsyncSentimentScorer;
  log: Logger;
  clock: () => number;
  /**
   * The process's metrics registry, for actors that export metrics of their own (the LLM actors: unparseable,
   * hallucinations, capped confidence, tokens, backend latency). Absent: such metrics stay in a private registry.
   */
  registry?: Registry;
  /**
   * J4's state (calibrator + ledger), when the host owns it: the backtest does, to replay outcomes point-in-time and
   * read the ledger afterwards. Absent: the calibrator opens `calibration.ledger_path` itself.
   */
  calibration?: CalibrationService;
}
