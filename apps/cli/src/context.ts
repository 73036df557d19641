import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig, secretsOf, type Config, type ConfigInput } from '@himari/config';
import { parseOptionalNumber, type NumberRange } from '@himari/numeric';
import { createLogger, type Logger } from '@himari/observability';

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
    throw new UsageError((err as Error).message, { cause: err });
  }
}

/** Flags beat environment variables, which beat the config file, which beats the defaults. */
export function configFrom(ctx: CommandContext, file: string | undefined, overrides: ConfigInput): Config {
  return loadConfig({ file: file ?? ctx.env['HIMARI_CONFIG'], env: ctx.env, overrides });
}

/** The CLI's logger: stderr, the config's level, the config's secrets masked. */
export function cliLogger(name: string, config: Config): Logger {
  return createLogger({ name, level: config.observability.log_level, secrets: secretsOf(config) });
}

/** A missing input file or output folder: one clear line and exit code 2, before any connection is opened. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  readonly exitCode = 2;
}

export function checkReadable(file: string, what: string): void {
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isDirectory()) throw new InputFileError(`${what} ${file} is a folder, not a file`);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(`${what} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

export function checkWritable(file: string, what: string): void {
  const dir = dirname(file);
  try {
    if (!statSync(dir).isDirectory()) throw new InputFileError(`${what} ${file}: ${dir} is not a folder`);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(
      `${what} ${file}: folder ${dir} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable'}`,
      {
        cause: err,
      },
    );
  }
}
