import type { Config } from '@himari/config';
import { DEFAULT_ENCODER_PATH } from './paths.ts';
import { ProjectEncoder } from './project-encoder.ts';
import { loadTransformersEncoder } from './transformers-encoder.ts';
import type { Encoder } from './types.ts';

/** The encoder `rag.encoder` asks for. A configured encoder that cannot load is a start-up error, never a silent swap. */
export async function createEncoder(cfg: Config['rag']['encoder']): Promise<Encoder> {
  switch (cfg.kind) {
    case 'project':
      return ProjectEncoder.load(cfg.project_path ?? DEFAULT_ENCODER_PATH);
    case 'transformers':
      return loadTransformersEncoder({
        modelDir: cfg.model_dir,
        hubId: cfg.hub_id,
        allowRemote: cfg.allow_remote,
        dtype: cfg.dtype,
        threads: cfg.threads,
      });
  }
}
