import { STAGES } from '@himari/contracts';
import { secretsOf } from '@himari/config';
import { createLogger } from '@himari/observability';
import { isStage, NO_NATS_REASON, serveActor, shutdownSignal } from '@himari/pipeline';
import { configFrom, numFlag, parse, UsageError, type CommandContext } from '../context.ts';

export async function serveCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      nats: { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string' },
      config: { type: 'string' },
      'metrics-port': { type: 'string' },
      embedded: { type: 'boolean', default: false },
    },
    true,
  );
  const actor = positionals[0];
  if (!actor || !isStage(actor)) throw new UsageError(`serve needs an ACTOR, one of: ${STAGES.join(', ')}`);
  const config = configFrom(ctx, values.config, {
    nats: { ...(values.nats ? { url: values.nats } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) },
    redis: values.redis ? { url: values.redis } : {},
    observability: values['metrics-port']
      ? { metrics_port: numFlag(values['metrics-port'], 'metrics-port', { integer: true, min: 0, max: 65535 }) }
      : {},
  });
  if (config.nats.url === null && !values.embedded) {
    ctx.stderr.write(`himari serve: ${NO_NATS_REASON}\n`);
    return 2;
  }
  const log = createLogger({ name: actor, level: config.observability.log_level, secrets: secretsOf(config) });
  await serveActor(actor, { config, log, shutdown: shutdownSignal(ctx.proc), embedded: values.embedded });
  return 0;
}
