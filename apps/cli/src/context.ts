import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config, type ConfigInput } from '@himari/config';

export interface CommandContext {
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  proc: NodeJS.Process;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}

/** Flags beat environment variables, which beat the config file, which beats the defaults. */
export function configFrom(ctx: CommandContext, file: string | undefined, overrides: ConfigInput): Config {
  return loadConfig({ file: file ?? ctx.env['HIMARI_CONFIG'], env: ctx.env, overrides });
}
