/** J3 retrieval settings (owned by the retrieval work). */
import { z } from 'zod';

export const RagSection = z.object({}).prefault({});
