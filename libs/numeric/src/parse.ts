/** A number given as text (a command-line flag, a script argument) that is not one, or not in range. */
export class InvalidNumberError extends Error {
  override readonly name = 'InvalidNumberError';
  readonly retryable = false;
}

export interface NumberRange {
  /** Whole numbers only. @default false */
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Smallest allowed value, itself excluded (a fraction that must be above 0, a rate). */
  above?: number;
  /** Largest allowed value, itself excluded. */
  below?: number;
}

function describe(r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return `${r.integer ? 'a whole number' : 'a number'}${parts.length ? ' ' + parts.join(' and ') : ''}`;
}

/**
 * `text` as a finite number within `range`, or InvalidNumberError naming `name` (e.g. `--seed`). Blank text, `NaN`,
 * `Infinity`, `0x10`-style surprises that `Number()` would accept silently and trailing junk are all refused.
 */
export function parseNumber(text: string, name: string, range: NumberRange = {}): number {
  const t = text.trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  const ok =
    Number.isFinite(n) &&
    (!range.integer || Number.isInteger(n)) &&
    (range.min === undefined || n >= range.min) &&
    (range.max === undefined || n <= range.max) &&
    (range.above === undefined || n > range.above) &&
    (range.below === undefined || n < range.below);
  if (!ok) throw new InvalidNumberError(`${name} must be ${describe(range)}, got ${JSON.stringify(text)}`);
  return n;
}

/** parseNumber for an optional value: undefined stays undefined. */
export function parseOptionalNumber(text: string | undefined, name: string, range: NumberRange = {}): number | undefined {
  return text === undefined ? undefined : parseNumber(text, name, range);
}
