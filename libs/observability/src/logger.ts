import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name: string;
  level: string;
  /** Defaults to stderr: stdout belongs to commands that print data (tap, features, run without --output). */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino({ name: opts.name, level: opts.level, base: { actor: opts.name } }, opts.destination ?? pino.destination(2));
}

/** A logger that drops everything: unit tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
