import { pino, type Logger, type DestinationStream } from 'pino';
import { addSecrets, redact } from './redact.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name: string;
  level: string;
  /** Defaults to stderr: stdout belongs to commands that print data (tap, features, run without --output). */
  destination?: DestinationStream;
  /** Values to mask in every line (the config's passwords and tokens: `secretsOf(config)`). */
  secrets?: readonly string[];
}

export function createLogger(opts: LoggerOptions): Logger {
  if (opts.secrets) addSecrets(opts.secrets);
  const dest = opts.destination ?? pino.destination(2);
  // Masking the serialised line covers every field, nested errors and messages alike, whoever built them.
  const redacting: DestinationStream = { write: (line: string) => dest.write(redact(line)) };
  return pino({ name: opts.name, level: opts.level, base: { actor: opts.name } }, redacting);
}

/** A logger that drops everything: unit tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
