import { STAGES } from '@himari/contracts';
import { createLogger } from '@himari/observability';
import { isStage, serveActor, shutdownSignal } from '@himari/pipeline';
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
  const log = createLogger({ name: actor, level: config.observability.log_level });
  await serveActor(actor, { config, log, shutdown: shutdownSignal(ctx.proc) });
  return 0;
}
