import type { CommandContext } from '../context.ts';

// Placeholder until issue 3 lands: says so instead of pretending.
export async function trainCommand(_args: string[], ctx: CommandContext): Promise<number> {
  ctx.stderr.write('himari train: not built yet (issue 3)\n');
  return 2;
}
