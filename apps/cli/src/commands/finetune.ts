import type { CommandContext } from '../context.ts';

// Placeholder until issue 5 lands: says so instead of pretending.
export async function finetuneCommand(_args: string[], ctx: CommandContext): Promise<number> {
  ctx.stderr.write('himari finetune: not built yet (issue 5)\n');
  return 2;
}
