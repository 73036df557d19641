/** J5 and J7 settings (owned by the sentiment/event-classification work). */
import { z } from 'zod';

export const SentimentSection = z
  .object({
    /** `lexicon`: VADER + the project's finance word list. */
    backend: z.enum(['lexicon']).default('lexicon'),
  })
  .prefault({});
