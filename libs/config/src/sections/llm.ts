/** J1/J2 language-model settings (owned by the LLM work). */
import { z } from 'zod';

export const LlmSection = z
  .object({
    /** `none`: signals are drafted from J5/J7 and say so in their provenance. */
    opt: z.object({ backend: z.enum(['none']).default('none') }).prefault({}),
    cot: z.object({ backend: z.enum(['none']).default('none') }).prefault({}),
  })
  .prefault({});
