/**
 * Any OpenAI-compatible chat-completions server (vLLM, llama.cpp server, Ollama's /v1, OpenAI). Each attempt has a
 * timeout; 429, 5xx, timeouts, refused connections and unreadable bodies are retried with exponential backoff and
 * full jitter (a `Retry-After` header is honoured up to the cap); other 4xx fail at once. A concurrency limit bounds
 * the requests in flight, so throughput scales with `concurrency` up to what the server batches.
 */
import { BackendRejectedError, BackendTimeoutError, BackendUnavailableError, type LlmError } from '../errors.ts';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { backoffDelayMs } from '../limit.ts';
import { withoutLengthBounds } from '../schema.ts';
import { BackendKind, estimateTokens, type FinishReason, type GenerateRequest, type GenerateResult, type TextGenerator } from '../types.ts';

export type ResponseFormatMode = 'json_schema' | 'json_object' | 'none';

export interface OpenAiOptions {
  /** Up to and including `/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  /** @default 'json_schema' */
  responseFormat?: ResponseFormatMode;
  /** Send `maxLength` bounds (vLLM, llama.cpp server honour them; OpenAI's strict mode rejects them). @default true */
  schemaBounds?: boolean;
  /** Per attempt. @default 30000 */
  timeoutMs?: number;
  /** @default 2 */
  maxRetries?: number;
  /** @default 250 */
  retryBaseMs?: number;
  /** Longest single retry delay. @default 10000 */
  retryCapMs?: number;
  /** @default 4 */
  concurrency?: number;
  /** Injected in tests. */
  fetch?: typeof fetch;
  random?: () => number;
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  model?: unknown;
}

export function createOpenAiGenerator(opts: OpenAiOptions): TextGenerator {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl))
    throw new BackendRejectedError(`openai-compatible: base_url must be http(s), got ${JSON.stringify(opts.baseUrl)}`, 0);
  const mode = opts.responseFormat ?? 'json_schema';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRetries = opts.maxRetries ?? 2;
  const retryBaseMs = opts.retryBaseMs ?? 250;
  const retryCapMs = opts.retryCapMs ?? 10_000;
  const slots = pLimit(opts.concurrency ?? 4);
  const doFetch = opts.fetch ?? fetch;
  const random = opts.random ?? Math.random;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (opts.apiKey) headers['authorization'] = `Bearer ${opts.apiKey}`;

  function body(req: GenerateRequest): string {
    const b: Record<string, unknown> = {
      model: opts.model,
      messages: req.messages,
      max_tokens: req.maxTokens,
      temperature: req.temperature,
      stream: false,
    };
    if (req.seed !== undefined) b['seed'] = req.seed;
    if (req.schema && mode === 'json_schema') {
      const schema = opts.schemaBounds === false ? withoutLengthBounds(req.schema) : req.schema;
      b['response_format'] = { type: 'json_schema', json_schema: { name: schema.name, schema: schema.jsonSchema, strict: true } };
    } else if (req.schema && mode === 'json_object') {
      b['response_format'] = { type: 'json_object' };
    }
    return JSON.stringify(b);
  }

  async function attempt(
    payload: string,
    req: GenerateRequest,
  ): Promise<{ text: string; finish: FinishReason; usage: { p: number; c: number } }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}/chat/completions`, { method: 'POST', headers, body: payload, signal });
    } catch (err) {
      if (req.signal?.aborted) throw err;
      if (timeout.aborted) throw new BackendTimeoutError(`openai-compatible: no answer within ${timeoutMs} ms`, { cause: err });
      throw new BackendUnavailableError(`openai-compatible: ${describeFetchError(err)}`, { cause: err });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) throw new BackendTimeoutError(`openai-compatible: body not complete within ${timeoutMs} ms`, { cause: err });
      throw new BackendUnavailableError(`openai-compatible: body broke off: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 429 || res.status >= 500) {
      throw withRetryAfter(
        new BackendUnavailableError(`openai-compatible: HTTP ${res.status}: ${text.slice(0, 200)}`),
        res.headers.get('retry-after'),
      );
    }
    if (!res.ok) throw new BackendRejectedError(`openai-compatible: HTTP ${res.status}: ${text.slice(0, 300)}`, res.status);
    let parsed: ChatCompletion;
    try {
      parsed = JSON.parse(text) as ChatCompletion;
    } catch (err) {
      throw new BackendUnavailableError(`openai-compatible: the server's body is not JSON: ${JSON.stringify(text.slice(0, 80))}`, {
        cause: err,
      });
    }
    const choice = parsed.choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string')
      throw new BackendUnavailableError('openai-compatible: the answer has no choices[0].message.content string');
    const finish: FinishReason = choice?.finish_reason === 'length' ? 'length' : 'stop';
    const p = typeof parsed.usage?.prompt_tokens === 'number' ? parsed.usage.prompt_tokens : estimateTokens(payload);
    const c = typeof parsed.usage?.completion_tokens === 'number' ? parsed.usage.completion_tokens : estimateTokens(content);
    return { text: content, finish, usage: { p, c } };
  }

  return {
    kind: BackendKind.openAiCompatible,
    model: opts.model,
    modelVersion: `${opts.model}@${new URL(baseUrl).host}`,
    supportsSchema: mode === 'json_schema',
    async generate(req) {
      const started = performance.now();
      const payload = body(req);
      let last: LlmError | undefined;
      for (let i = 0; i <= maxRetries; i++) {
        if (i > 0) {
          const hinted = last && 'retryAfterMs' in last ? Number((last as { retryAfterMs: number }).retryAfterMs) : 0;
          const waitMs = Math.min(retryCapMs, Math.max(hinted, backoffDelayMs(i - 1, retryBaseMs, retryCapMs, random)));
          // The caller's abort reason, as fetch gives it, rather than timers' own AbortError.
          await delay(waitMs, undefined, { signal: req.signal }).catch((err: unknown) => {
            throw req.signal?.aborted ? req.signal.reason : err;
          });
        }
        try {
          const r = await slots(() => attempt(payload, req));
          const result: GenerateResult = {
            text: r.text,
            constrained: req.schema !== undefined && mode === 'json_schema',
            promptTokens: r.usage.p,
            completionTokens: r.usage.c,
            finishReason: r.finish,
            latencyMs: performance.now() - started,
            attempts: i + 1,
          };
          return result;
        } catch (err) {
          if (!(err instanceof BackendUnavailableError || err instanceof BackendTimeoutError)) throw err;
          last = err;
        }
      }
      const e = last!;
      e.message = `${e.message} (after ${maxRetries + 1} attempts)`;
      throw e;
    },
    async dispose() {},
  };
}

function withRetryAfter(err: BackendUnavailableError, header: string | null): BackendUnavailableError {
  if (header === null) return err;
  const s = Number(header);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - Date.now();
  if (Number.isFinite(ms) && ms > 0) Object.assign(err, { retryAfterMs: ms });
  return err;
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? `: ${cause.message}` : ''}`;
  return (err as Error).message;
}
