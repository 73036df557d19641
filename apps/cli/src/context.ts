import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config, type ConfigInput } from '@himari/config';
import { parseOptionalNumber, type NumberRange } from '@himari/numeric';

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

/**
 * A numeric flag, checked: absent stays undefined; anything but a finite number in `range` is a UsageError naming the
 * flag (`--seed must be a whole number >= 0, got "x"`).
 */
export function numFlag(v: string | undefined, flag: string, range: NumberRange = {}): number | undefined {
  try {
    return parseOptionalNumber(v, `--${flag}`, range);
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}

/** A path inside the shared data folder (config `data.shared_dir`, env HIMARI_DATA_DIR), from the working directory. */
export function sharedData(ctx: CommandContext, configFile: string | undefined, ...rel: string[]): string {
  return resolve(configFrom(ctx, configFile, {}).data.shared_dir, ...rel);
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Flags beat environment variables, which beat the config file, which beats the defaults. */
export function configFrom(ctx: CommandContext, file: string | undefined, overrides: ConfigInput): Config {
  return loadConfig({ file: file ?? ctx.env['HIMARI_CONFIG'], env: ctx.env, overrides });
}
