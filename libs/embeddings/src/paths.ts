import { fileURLToPath } from 'node:url';

/** The committed project encoder, found from this file (libs/embeddings/src) rather than the working directory. */
export const DEFAULT_ENCODER_PATH = fileURLToPath(new URL('../../../models/encoder/himari-lsa-384.json', import.meta.url));
