// The finbert-actor actor as its own process: wiring only, its logic lives in @himari/pipeline.
// Configured by HIMARI_CONFIG (file), HIMARI_NATS_URL, HIMARI_REDIS_URL, HIMARI_METRICS_PORT, HIMARI_LOG_LEVEL.
import { Stage } from '@himari/contracts';
import { runActorProcess } from '@himari/pipeline';

await runActorProcess(Stage.finbertActor, process.env, process);
