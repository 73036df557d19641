export { mulberry32 } from './random.ts';
export { dot, type NumericArray } from './vector.ts';
export { quantile } from './stats.ts';
export { parseNumber, parseOptionalNumber, InvalidNumberError, type NumberRange } from './parse.ts';
