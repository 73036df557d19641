/** J4 calibration, outcomes and backtest settings (owned by the calibration work). */
import { z } from 'zod';

export const CalibrationSection = z
  .object({
    method: z.enum(['isotonic', 'platt']).default('isotonic'),
    min_samples: z.number().int().min(10).default(100),
    refit_every: z.number().int().min(1).default(50),
  })
  .prefault({});
