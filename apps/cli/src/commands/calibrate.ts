import type { CommandContext } from '../context.ts';

// Placeholder until issue 6 lands: says so instead of pretending.
export async function calibrateCommand(_args: string[], ctx: CommandContext): Promise<number> {
  ctx.stderr.write('himari calibrate: not built yet (issue 6)\n');
  return 2;
}
