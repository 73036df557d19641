import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiGenerator } from './backends/openai.ts';
import { BackendRejectedError, BackendTimeoutError, BackendUnavailableError } from './errors.ts';
import { signalOutputSchema } from './schema.ts';
import { completion, refusedPort, startOpenAiServer, type TestServer } from './testing.ts';

const req = {
  messages: [
    { role: 'system' as const, content: 'sys' },
    { role: 'user' as const, content: 'news' },
  ],
  maxTokens: 64,
  temperature: 0.2,
  schema: signalOutputSchema(),
};
const fast = { timeoutMs: 300, maxRetries: 2, retryBaseMs: 5 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('openai-compatible backend', () => {
  it('sends the chat, max_tokens, temperature and the schema as response_format json_schema', async () => {
    server = await startOpenAiServer(() => ({ body: completion('{"a":1}', { prompt_tokens: 42, completion_tokens: 7 }) }));
    const g = createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm1', apiKey: 'k', ...fast });
    const r = await g.generate(req);
    expect(r).toMatchObject({
      text: '{"a":1}',
      constrained: true,
      promptTokens: 42,
      completionTokens: 7,
      finishReason: 'stop',
      attempts: 1,
    });
    const body = server.requests[0]!;
    expect(body).toMatchObject({ model: 'm1', max_tokens: 64, temperature: 0.2, messages: req.messages });
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.response_format?.json_schema?.strict).toBe(true);
    expect(JSON.stringify(body.response_format?.json_schema?.schema)).toContain('maxLength');
  });

  it('drops maxLength for servers that reject it, and sends no schema in `none` mode', async () => {
    server = await startOpenAiServer(() => ({ body: completion('x') }));
    await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', schemaBounds: false, ...fast }).generate(req);
    expect(JSON.stringify(server.requests[0]!.response_format)).not.toContain('maxLength');
    const free = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', responseFormat: 'none', ...fast }).generate(req);
    expect(server.requests[1]!.response_format).toBeUndefined();
    expect(free.constrained).toBe(false);
  });

  it('retries 500s and 429s with backoff, then succeeds', async () => {
    server = await startOpenAiServer((_b, n) =>
      n === 0
        ? { status: 500, body: 'boom' }
        : n === 1
          ? { status: 429, body: 'slow down', headers: { 'retry-after': '0' } }
          : { body: completion('ok') },
    );
    const r = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', ...fast }).generate(req);
    expect(r.text).toBe('ok');
    expect(r.attempts).toBe(3);
  });

  it('gives up after max_retries with a retryable BackendUnavailableError', async () => {
    server = await startOpenAiServer(() => ({ status: 503, body: 'down' }));
    const err = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', ...fast })
      .generate(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/HTTP 503.*after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400: the request is wrong', async () => {
    server = await startOpenAiServer(() => ({ status: 400, body: { error: { message: 'schema not supported' } } }));
    const err = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', ...fast })
      .generate(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendRejectedError);
    expect((err as BackendRejectedError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow server per attempt', async () => {
    server = await startOpenAiServer(() => ({ delayMs: 2_000, body: completion('late') }));
    const started = performance.now();
    const err = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 100, maxRetries: 1, retryBaseMs: 5 })
      .generate(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendTimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('treats a refused connection, a dropped connection and a garbage body as retryable failures', async () => {
    const port = await refusedPort();
    const refused = await createOpenAiGenerator({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', ...fast })
      .generate(req)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendUnavailableError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);
    server = await startOpenAiServer((_b, n) =>
      n === 0 ? { destroy: true } : n === 1 ? { body: '<html>gateway</html>' } : { body: completion('fine') },
    );
    const r = await createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', ...fast }).generate(req);
    expect(r.text).toBe('fine');
    expect(r.attempts).toBe(3);
  });

  it('stops waiting out a backoff when the caller aborts, with the caller’s reason', async () => {
    let calls = 0;
    const fetch503 = (async () => {
      calls++;
      return new Response('down', { status: 503 });
    }) as typeof fetch;
    const ac = new AbortController();
    const reason = new Error('caller gave up');
    const g = createOpenAiGenerator({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', fetch: fetch503, maxRetries: 1, random: () => 1 });
    const pending = g.generate({ ...req, signal: ac.signal }).catch((e: unknown) => e);
    // An in-memory 503 is read within a turn of the event loop; from then on the generator waits out a 250 ms backoff.
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    const started = performance.now();
    ac.abort(reason);
    expect(await pending).toBe(reason);
    expect(performance.now() - started).toBeLessThan(200);
    expect(calls).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    server = await startOpenAiServer(() => ({ delayMs: 30, body: completion('x') }));
    const g = createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'm', concurrency: 3, ...fast, timeoutMs: 5_000 });
    await Promise.all(Array.from({ length: 12 }, () => g.generate(req)));
    expect(server.requests).toHaveLength(12);
    expect(server.maxConcurrent).toBe(3);
  });
});
