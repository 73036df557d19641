import { ConfigError } from '@himari/config';
import { UsageError, type CommandContext } from './context.ts';

type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** Loaded on demand: `himari run` should not pay for loading ONNX Runtime or llama.cpp. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.ts')).runCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  features: async () => (await import('./commands/features.ts')).featuresCommand,
  tap: async () => (await import('./commands/tap.ts')).tapCommand,
  dlq: async () => (await import('./commands/dlq.ts')).dlqCommand,
  train: async () => (await import('./commands/train.ts')).trainCommand,
  eval: async () => (await import('./commands/eval.ts')).evalCommand,
  rag: async () => (await import('./commands/rag.ts')).ragCommand,
  finetune: async () => (await import('./commands/finetune.ts')).finetuneCommand,
  rlmf: async () => (await import('./commands/rlmf.ts')).rlmfCommand,
  outcomes: async () => (await import('./commands/outcomes.ts')).outcomesCommand,
  calibrate: async () => (await import('./commands/calibrate.ts')).calibrateCommand,
  backtest: async () => (await import('./commands/backtest.ts')).backtestCommand,
  regime: async () => (await import('./commands/regime.ts')).regimeCommand,
};

const USAGE = `himari: the HIMARI LLM sidecar

Usage:
  himari run --input FILE|- [--output FILE] [--rejects FILE] [--redis URL] [--nats URL] [--prefix NAME]
             [--external] [--config FILE] [--idle-timeout-ms N]
      Run the whole pipeline on JSON lines {id, text, asset, source?, published_at?, kind?}.
      Without --nats: embedded mode (all actors in this process, in-memory bus). Without --redis: in-memory store.
  himari serve ACTOR [--nats URL] [--redis URL] [--config FILE]
      Run one actor as its own process. ACTOR: ingestor, event-classifier, finbert-actor, opt-actor, cot-actor,
      rag-actor, calibrator, cache-writer, feature-injector.
  himari features ASSET [--redis URL] [--key-prefix P] [--profile design|himari] [--config FILE]
      Print the five LLM features (vector positions 55-59) for an asset as JSON (design profile: CONTRACT.md).
  himari regime set REGIME [--asset X] [--ttl S] | himari regime get ASSET   (--redis URL)
      The market regime J2 reads into its chains' market context (set by the decision engine or an operator).
  himari tap [SUBJECT] [--nats URL] [--prefix NAME] [--from-start] [--count N]
      Print decoded bus traffic (default: every subject of the deployment).
  himari dlq list|show ID|replay|purge [--stage S] [--code C] [--since T] [--ids ID,...] [--dry-run] [--yes]
      Dead letters of a distributed deployment: list (a table, or JSON lines when piped), show one with its
      original, replay to the stage's input after a fix, purge (asks; --yes for scripts).
  himari dlq rejects --rejects FILE --input FILE [--stage S] [--code C]
      The input lines behind an embedded run's rejects, to replay with: himari run --input -
  himari train sentiment|events [--data FILE] [--out FILE] [--seed N]
      Train the project's own sentiment or event model (deterministic; the committed models by default).
  himari eval sentiment|events|retrieval --data FILE [--model FILE] [--json FILE] [--markdown FILE]
      Accuracy, macro-F1, weighted F1, confusion matrix, per-class figures, beside the baselines in the same run.
  himari rag ingest FILE | himari rag search "QUERY" [--asset X] [--top-k N]
      The J3 document index: add documents, ask it what it already knows.
  himari finetune prepare --data CSV --out FILE
      Prompt/completion pairs for LoRA fine-tuning (docs/finetune.md).
  himari rlmf build-experience|replay|update|trail|pairs ...
      The chain-of-thought actor's learning from market feedback.
  himari outcomes ingest FILE
      Realised returns in (CSV/JSONL prices), joined to signals in the ledger.
  himari calibrate report [--json FILE] [--out DIR]
      Reliability diagram before/after calibration, ECE and MCE on held-out outcomes.
  himari backtest --news FILE --prices DIR [--json FILE] [--html FILE]
      Point-in-time long-short backtest of the pipeline's signals beside lexicon, VADER, random and buy-and-hold.

Environment: HIMARI_NATS_URL, HIMARI_REDIS_URL, HIMARI_NATS_PREFIX, HIMARI_LOG_LEVEL, HIMARI_METRICS_PORT,
HIMARI_DATA_DIR (the shared data folder train/eval read), HIMARI_CONFIG (config file).
`;

/** Returns the exit code. The only place the CLI reads process.env. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const ctx: CommandContext = {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    proc: process,
  };
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      ctx.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    const load = COMMANDS[command];
    if (!load) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    return await (
      await load()
    )(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr.write(`himari: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      ctx.stderr.write(`himari: ${err.message}\n`);
      return 2;
    }
    ctx.stderr.write(`himari: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
