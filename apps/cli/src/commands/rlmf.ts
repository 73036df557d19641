import { readFileSync, writeFileSync } from 'node:fs';
import { CotStore, RlmfLearner } from '@himari/cot';
import { experienceFromJsonl, experienceFromStockNet, experienceToJsonl, preferencePairs, replay } from '@himari/cot/offline';
import { configFrom, numFlag, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = `himari rlmf SUBCOMMAND
  build-experience --stocknet DIR --out FILE [--tickers A,B] [--min-tweets N]
      An experience file from StockNet (tweets per trading day scored by J5/J7, joined to next-day returns).
  replay --experience FILE [--updates N] [--epochs N] [--lr X] [--train-share X] [--seed N] [--gradient sampled|expected] [--json FILE]
      Trains the RLMF policy on the older part and prints its reward before and after on the newer part.
  update --db FILE [--config FILE]
      One rlmf_update over the cot-actor's stored experience; saves the policy.
  trail --db FILE --id SIGNAL_ID
      The audit trail (five steps, factors, policy, samples) of one cot-actor signal, as JSON.
  pairs --db FILE --out FILE
      Preference pairs (chosen vs rejected chains by market reward) as JSON lines for offline DPO.`;

export async function rlmfCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'build-experience':
      return buildExperience(rest, ctx);
    case 'replay':
      return replayCommand(rest, ctx);
    case 'update':
      return update(rest, ctx);
    case 'trail':
      return trail(rest, ctx);
    case 'pairs':
      return pairs(rest, ctx);
    default:
      throw new UsageError(`rlmf: unknown subcommand ${JSON.stringify(sub ?? '')}\n${USAGE}`);
  }
}

async function buildExperience(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    stocknet: { type: 'string' },
    out: { type: 'string' },
    tickers: { type: 'string' },
    'min-tweets': { type: 'string' },
  });
  if (!values.stocknet || !values.out) throw new UsageError('rlmf build-experience needs --stocknet DIR and --out FILE');
  const minTweets = numFlag(values['min-tweets'], 'min-tweets', { integer: true, min: 0 });
  const xs = await experienceFromStockNet({
    dir: values.stocknet,
    ...(values.tickers
      ? {
          tickers: values.tickers
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    ...(minTweets !== undefined ? { minTweets } : {}),
    onProgress: (n) => ctx.stderr.write(`himari rlmf: ${n} tweets read\n`),
  });
  writeFileSync(values.out, experienceToJsonl(xs));
  ctx.stderr.write(`himari rlmf: ${xs.length} experiences (ticker-days) -> ${values.out}\n`);
  return 0;
}

async function replayCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    experience: { type: 'string' },
    updates: { type: 'string' },
    epochs: { type: 'string' },
    lr: { type: 'string' },
    'train-share': { type: 'string' },
    seed: { type: 'string' },
    gradient: { type: 'string' },
    json: { type: 'string' },
  });
  if (!values.experience) throw new UsageError('rlmf replay needs --experience FILE');
  if (values.gradient !== undefined && values.gradient !== 'sampled' && values.gradient !== 'expected')
    throw new UsageError('--gradient must be sampled or expected');
  const xs = experienceFromJsonl(readFileSync(values.experience, 'utf8'));
  const opts = {
    updates: numFlag(values.updates, 'updates', { integer: true, min: 0 }),
    epochs: numFlag(values.epochs, 'epochs', { integer: true, min: 1 }),
    learningRate: numFlag(values.lr, 'lr', { above: 0 }),
    trainShare: numFlag(values['train-share'], 'train-share', { above: 0, below: 1 }),
    seed: numFlag(values.seed, 'seed', { integer: true }),
    gradient: values.gradient as 'sampled' | 'expected' | undefined,
  };
  const report = replay(xs, Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)));
  const f = (x: number): string => x.toFixed(4);
  ctx.stdout.write(
    [
      `experience: ${xs.length} (train ${report.n_train}, eval ${report.n_eval} from ${report.eval_from})`,
      `policy reward on eval, before updates: expected ${f(report.before.expected)}, greedy ${f(report.before.greedy)}`,
      `policy reward on eval, after ${report.updates.length} updates: expected ${f(report.after.expected)}, greedy ${f(report.after.greedy)}`,
      `on train: before ${f(report.train_before.expected)}, after ${f(report.train_after.expected)}`,
      `rules on eval: follow the signal ${f(report.baselines.follow_signal)}, always hold ${f(report.baselines.always_hold)}, recorded actions ${f(report.baselines.recorded_actions)}`,
    ].join('\n') + '\n',
  );
  if (values.json) {
    const { policy, updates, ...rest } = report;
    writeFileSync(
      values.json,
      `${JSON.stringify({ ...rest, updates: updates.length, policy_version: policy.version, experience: values.experience }, null, 2)}\n`,
    );
  }
  return 0;
}

async function update(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, config: { type: 'string' } });
  if (!values.db) throw new UsageError('rlmf update needs --db FILE');
  const r = configFrom(ctx, values.config, {}).llm.cot.rlmf;
  const store = new CotStore(values.db);
  try {
    const learner = new RlmfLearner(store, {
      enabled: true,
      bufferSize: r.buffer_size,
      updateEvery: r.update_every,
      epochs: r.epochs,
      learningRate: r.learning_rate,
      policyWeight: r.policy_weight,
      minExperiences: r.min_experiences,
      seed: r.seed,
    });
    const n = store.experienceCount();
    if (n === 0) {
      ctx.stderr.write('himari rlmf: no experience in the buffer yet (outcomes join chains as they arrive)\n');
      return 1;
    }
    const report = learner.update();
    ctx.stdout.write(`${JSON.stringify({ experiences: n, version: learner.current.version, ...report })}\n`);
  } finally {
    store.close();
  }
  return 0;
}

async function trail(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, id: { type: 'string' } });
  if (!values.db || !values.id) throw new UsageError('rlmf trail needs --db FILE and --id SIGNAL_ID');
  const store = new CotStore(values.db);
  try {
    const t = store.trail(values.id);
    if (t === null) {
      ctx.stderr.write(`himari rlmf: no audit trail for ${JSON.stringify(values.id)}\n`);
      return 1;
    }
    ctx.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
  } finally {
    store.close();
  }
  return 0;
}

async function pairs(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, out: { type: 'string' } });
  if (!values.db || !values.out) throw new UsageError('rlmf pairs needs --db FILE and --out FILE');
  const store = new CotStore(values.db);
  try {
    const r = preferencePairs(store);
    writeFileSync(values.out, r.pairs.map((p) => JSON.stringify(p)).join('\n') + (r.pairs.length ? '\n' : ''));
    ctx.stderr.write(
      `himari rlmf: ${r.pairs.length} preference pairs -> ${values.out} (${r.withOutcome} chains with an outcome; ${r.singleSample} had one sample, ${r.tied} tied; set llm.cot.samples >= 2 for pairs)\n`,
    );
  } finally {
    store.close();
  }
  return 0;
}
