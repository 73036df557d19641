/**
 * Metrics of the LLM actors, registered on the process's registry beside the runtime's (processed, dead-lettered by
 * code, ...). Get-or-create: opt-actor and cot-actor in one process share the same series, labelled by stage.
 */
import { Counter, Histogram, Registry, type Metric } from 'prom-client';

export interface LlmMetrics {
  /** Items by what happened: `llm`, `unparseable`, `backend_error`, `budget_shed`, `rag_hold`, `chain_incomplete`, `upstream`. */
  items: Counter<'stage' | 'backend' | 'outcome'>;
  unparseable: Counter<'stage' | 'code'>;
  reasks: Counter<'stage'>;
  hallucinatedEntities: Counter<'stage'>;
  confidenceCapped: Counter<'stage' | 'reason'>;
  tokens: Counter<'stage' | 'kind'>;
  backendSeconds: Histogram<'stage' | 'backend'>;
  rag: Counter<'stage' | 'status'>;
  claims: Counter<'stage' | 'status'>;
  ungroundedClaims: Counter<'stage'>;
  policyUpdates: Counter<'stage'>;
  /** Chains cut off before a readable conclusion, drafted from J5/J7 instead (flag `llm_chain_incomplete`), by reason. */
  chainIncomplete: Counter<'stage' | 'reason'>;
}

function getOrCreate<M extends Metric>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export function createLlmMetrics(registry: Registry = new Registry()): LlmMetrics {
  const r = [registry];
  return {
    items: getOrCreate(
      registry,
      'himari_llm_items_total',
      () =>
        new Counter({
          name: 'himari_llm_items_total',
          help: 'Items handled by an LLM actor, by outcome',
          labelNames: ['stage', 'backend', 'outcome'],
          registers: r,
        }),
    ),
    unparseable: getOrCreate(
      registry,
      'himari_llm_unparseable_total',
      () =>
        new Counter({
          name: 'himari_llm_unparseable_total',
          help: 'Model answers unreadable after one re-ask (dead-lettered)',
          labelNames: ['stage', 'code'],
          registers: r,
        }),
    ),
    reasks: getOrCreate(
      registry,
      'himari_llm_reasks_total',
      () =>
        new Counter({
          name: 'himari_llm_reasks_total',
          help: 'Second requests after an unreadable answer',
          labelNames: ['stage'],
          registers: r,
        }),
    ),
    hallucinatedEntities: getOrCreate(
      registry,
      'himari_llm_hallucinated_entities_total',
      () =>
        new Counter({
          name: 'himari_llm_hallucinated_entities_total',
          help: 'Entities named by a model without grounding (dropped)',
          labelNames: ['stage'],
          registers: r,
        }),
    ),
    confidenceCapped: getOrCreate(
      registry,
      'himari_llm_confidence_capped_total',
      () =>
        new Counter({
          name: 'himari_llm_confidence_capped_total',
          help: 'Signals whose confidence was capped',
          labelNames: ['stage', 'reason'],
          registers: r,
        }),
    ),
    tokens: getOrCreate(
      registry,
      'himari_llm_tokens_total',
      () =>
        new Counter({
          name: 'himari_llm_tokens_total',
          help: 'Tokens used, prompt and completion',
          labelNames: ['stage', 'kind'],
          registers: r,
        }),
    ),
    backendSeconds: getOrCreate(
      registry,
      'himari_llm_backend_seconds',
      () =>
        new Histogram({
          name: 'himari_llm_backend_seconds',
          help: 'Backend call latency per item (retries and re-asks included)',
          labelNames: ['stage', 'backend'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
          registers: r,
        }),
    ),
    rag: getOrCreate(
      registry,
      'himari_llm_rag_total',
      () => new Counter({ name: 'himari_llm_rag_total', help: 'Retrievals by result', labelNames: ['stage', 'status'], registers: r }),
    ),
    claims: getOrCreate(
      registry,
      'himari_llm_claim_checks_total',
      () =>
        new Counter({
          name: 'himari_llm_claim_checks_total',
          help: "J3 grounding checks of a model's numbered claims, by result",
          labelNames: ['stage', 'status'],
          registers: r,
        }),
    ),
    ungroundedClaims: getOrCreate(
      registry,
      'himari_llm_ungrounded_claims_total',
      () =>
        new Counter({
          name: 'himari_llm_ungrounded_claims_total',
          help: 'Numbered claims of a model supported by neither the news nor J3 documents',
          labelNames: ['stage'],
          registers: r,
        }),
    ),
    policyUpdates: getOrCreate(
      registry,
      'himari_rlmf_policy_updates_total',
      () =>
        new Counter({
          name: 'himari_rlmf_policy_updates_total',
          help: 'RLMF policy-gradient updates',
          labelNames: ['stage'],
          registers: r,
        }),
    ),
    chainIncomplete: getOrCreate(
      registry,
      'himari_llm_chain_incomplete_total',
      () =>
        new Counter({
          name: 'himari_llm_chain_incomplete_total',
          help: 'Chains cut off before a readable conclusion (token limit): drafted from J5/J7 with flag llm_chain_incomplete',
          labelNames: ['stage', 'reason'],
          registers: r,
        }),
    ),
  };
}
