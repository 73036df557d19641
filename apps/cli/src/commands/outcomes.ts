import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { encode, Topic } from '@himari/contracts';
import { createLogger } from '@himari/observability';
import { calibrationServiceFrom, horizonsFrom, openLedger, readOutcomeFile } from '@himari/outcomes';
import { createTransport, namesFor } from '@himari/pipeline';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = 'outcomes ingest FILE|DIR [--nats URL] [--prefix NAME] [--ledger FILE] [--config FILE]';

/**
 * `himari outcomes ingest`: prices (CSV, a directory of per-asset CSVs, or JSON lines of bars) become the outcome
 * feed, one message per asset, session and horizon; a JSON-lines file of outcome messages is taken as is.
 * With NATS the outcomes are published on the `outcome` subject for a running calibrator; without, they go straight
 * into the ledger file, where they join the signals already there (learnt when the calibrator next starts).
 */
export async function outcomesCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'ingest') throw new UsageError(`usage: himari ${USAGE}`);
  const { values, positionals } = parse(
    rest,
    { nats: { type: 'string' }, prefix: { type: 'string' }, ledger: { type: 'string' }, config: { type: 'string' } },
    true,
  );
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`usage: himari ${USAGE}`);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file or directory`);
  const base = configFrom(ctx, values.config, {});
  const config = configFrom(ctx, values.config, {
    ...(values.nats ? { nats: { url: values.nats } } : {}),
    ...(values.prefix ? { nats: { url: values.nats ?? base.nats.url, prefix: values.prefix } } : {}),
    observability: { log_level: ctx.env['HIMARI_LOG_LEVEL'] ? base.observability.log_level : 'warn' },
  });
  const t0 = Date.now();
  const read = await readOutcomeFile(file, horizonsFrom(config.calibration));
  const what =
    read.kind === 'prices'
      ? `${read.bars} price bars of ${read.assets} assets (${read.skipped} rows without prices skipped) → ${read.outcomes.length} outcomes`
      : `${read.outcomes.length} outcomes of ${read.assets} assets`;

  if (config.nats.url !== null) {
    const names = namesFor(config);
    const transport = await createTransport(config, names, `himari-outcomes-${randomUUID().slice(0, 8)}`);
    let published = 0;
    let duplicates = 0;
    try {
      await transport.ensureStream();
      for (const o of read.outcomes) {
        const r = await transport.publish(names.subject(Topic.outcome), encode(o), { msgId: `outcome:${o.id}` });
        if (r.duplicate) duplicates += 1;
        else published += 1;
      }
    } finally {
      await transport.close();
    }
    ctx.stdout.write(
      `himari outcomes: ${what}; ${published} published on ${names.subject(Topic.outcome)}, ${duplicates} duplicates dropped by the bus (${Date.now() - t0} ms)\n`,
    );
    return 0;
  }

  const path = values.ledger ?? config.calibration.ledger_path;
  if (path === null)
    throw new UsageError('without --nats the outcomes go into the ledger: pass --ledger FILE or set calibration.ledger_path');
  const log = createLogger({ name: 'himari-outcomes', level: config.observability.log_level });
  const ledger = openLedger(config.calibration, path);
  try {
    const service = calibrationServiceFrom(config.calibration, ledger, log);
    const r = service.observeOutcomes(read.outcomes);
    service.close(); // the labels are in the ledger; the calibrator learns them when it next starts
    const c = ledger.counts();
    ctx.stdout.write(
      `himari outcomes: ${what}; ${r.inserted} new in ${path} (${read.outcomes.length - r.inserted} already there), ${r.labels} signals labelled; ledger now ${c.signals} signals, ${c.outcomes} outcomes, ${c.labels} labels (${Date.now() - t0} ms)\n`,
    );
  } finally {
    ledger.close();
  }
  return 0;
}
