export { fitIsotonic, IsotonicMap, IsotonicJSON } from './isotonic.ts';
export type { IsotonicOptions } from './isotonic.ts';
export { fitPlatt, PlattMap, PlattJSON, sigmoid } from './platt.ts';
export type { PlattOptions } from './platt.ts';
export {
  expectedCalibrationError,
  maxCalibrationError,
  reliabilityBins,
  DEFAULT_BINS,
  brierScore,
  brierDecomposition,
  confidenceAuc,
  sharpness,
  calibrationSummary,
  COLLAPSE,
} from './metrics.ts';
export type { ReliabilityBin, BrierDecomposition, Sharpness, CalibrationSummary } from './metrics.ts';
export { Calibrator, CalibratorSnapshot, IDENTITY_VERSION, keyHash, calibrationKeyOf } from './calibrator.ts';
export type { CalibratorOptions, CalibrationMethod, CalibrationMap, CalibrationResult, ObserveResult } from './calibrator.ts';
export { CalibrationInputError } from './validate.ts';
export type { Outcome01 } from './validate.ts';
