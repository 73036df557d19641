import type { CommandContext } from '../context.ts';

// Placeholder until issue 3 and 4 lands: says so instead of pretending.
export async function evalCommand(_args: string[], ctx: CommandContext): Promise<number> {
  ctx.stderr.write('himari eval: not built yet (issue 3 and 4)\n');
  return 2;
}
