import type { CommandContext } from '../context.ts';

// Placeholder until issue 4 lands: says so instead of pretending.
export async function ragCommand(_args: string[], ctx: CommandContext): Promise<number> {
  ctx.stderr.write('himari rag: not built yet (issue 4)\n');
  return 2;
}
