export {
  NY_TIME_ZONE,
  CalendarError,
  SessionCalendar,
  TradePointKind,
  isEarlyClose,
  nyOffsetMinutes,
  nyWallToUtcMs,
  sessionCloseMs,
  sessionOpenMs,
  toNyTime,
} from './calendar.ts';
export type { NyTime, TradePoint } from './calendar.ts';
export { PriceFormatError, PriceTable, parsePriceCsv, parsePriceJsonl, readPrices } from './prices.ts';
export type { PriceBar, PriceReadResult } from './prices.ts';
export { outcomeStartMs, outcomesFromPrices, priceOutcomeId } from './price-outcomes.ts';
export { LEDGER_SCHEMA_VERSION, Ledger, LedgerError, isCorrect } from './ledger.ts';
export type { LabelRecord, LedgerCounts, LedgerOptions, MapRecord, SignalRecord } from './ledger.ts';
export { CalibrationService, signalCalibrationKey } from './service.ts';
export type { CalibrationServiceOptions, CalibrationServiceStats, HorizonSessions, RestoreSummary } from './service.ts';
export { NotEnoughOutcomesError, evaluateHoldout } from './evaluate.ts';
export type { HoldoutOptions, HoldoutReport, KeyHoldout } from './evaluate.ts';
export { calibrationServiceFrom, holdoutOptionsFrom, horizonsFrom, openLedger } from './from-config.ts';
export { readOutcomeFile, OutcomeFileError } from './outcome-file.ts';
export type { OutcomeFileResult } from './outcome-file.ts';
