/**
 * An OpenAI-compatible chat-completions server backed by a GGUF model through node-llama-cpp, on 127.0.0.1 and a
 * random port: what the `openai-compatible` backend's tests and benchmark talk to. Like llama.cpp's own server, it
 * turns `response_format: json_schema` into a grammar: by default with the project's converter (value ranges
 * enforced), or with node-llama-cpp's (`grammar: 'node-llama-cpp'`), which bounds digits but not values, as many
 * servers' converters do: a model can then write 9e999, which JSON reads as Infinity.
 *
 *   npx tsx tools/tiny-gguf/engine-server.ts --model FILE   (prints the base URL, serves until killed)
 */
import { parseArgs } from 'node:util';
import { getLlama, LlamaCompletion, LlamaLogLevel, type LlamaContextSequence, type LlamaGrammar } from 'node-llama-cpp';
import { jsonSchemaToGbnf } from '@himari/llm';
import { parseNumber } from '@himari/numeric';
import { completion, startOpenAiServer, type TestServer } from '@himari/llm/testing';

export interface EngineServerOptions {
  modelPath: string;
  /** Parallel sequences (batched). @default 4 */
  sequences?: number;
  /** @default 1 */
  threads?: number;
  /** @default 2048 */
  contextSize?: number;
  /** Which JSON-schema → grammar converter the server uses. @default 'project' */
  grammar?: 'project' | 'node-llama-cpp';
}

export interface EngineServer extends TestServer {
  /** Requests answered by the engine. */
  readonly generated: number;
}

export async function startEngineServer(opts: EngineServerOptions): Promise<EngineServer> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  const model = await llama.loadModel({ modelPath: opts.modelPath, gpuLayers: 0 });
  const sequences = opts.sequences ?? 4;
  const context = await model.createContext({ contextSize: opts.contextSize ?? 2048, sequences, threads: opts.threads ?? 1 });
  const free: LlamaContextSequence[] = Array.from({ length: sequences }, () => context.getSequence());
  const waiting: Array<(s: LlamaContextSequence) => void> = [];
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  let generated = 0;

  const take = (): Promise<LlamaContextSequence> => {
    const s = free.pop();
    return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
  };
  const give = (s: LlamaContextSequence): void => {
    const next = waiting.shift();
    if (next) next(s);
    else free.push(s);
  };

  const server = await startOpenAiServer(async (body) => {
    const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
    let grammar: LlamaGrammar | undefined;
    if (schema) {
      const key = JSON.stringify(schema);
      if (!grammars.has(key)) {
        grammars.set(
          key,
          opts.grammar === 'node-llama-cpp'
            ? llama.createGrammarForJsonSchema(schema as never)
            : llama.createGrammar({ grammar: jsonSchemaToGbnf(schema) }),
        );
      }
      grammar = await grammars.get(key)!;
    }
    const prompt = `${body.messages.map((m) => m.content).join('\n\n')}\n\nAnswer:\n`;
    const seq = await take();
    try {
      const before = seq.tokenMeter.getState();
      const c = new LlamaCompletion({ contextSequence: seq, autoDisposeSequence: false });
      const r = await c.generateCompletionWithMeta(prompt, {
        maxTokens: body.max_tokens ?? 256,
        temperature: body.temperature ?? 0.8,
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        ...(grammar ? { grammar } : {}),
      });
      c.dispose({ disposeSequence: false });
      const used = seq.tokenMeter.diff(before);
      generated++;
      return {
        body: completion(
          r.response,
          { prompt_tokens: used.usedInputTokens, completion_tokens: used.usedOutputTokens },
          r.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
        ),
      };
    } finally {
      give(seq);
    }
  });

  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    get maxConcurrent() {
      return server.maxConcurrent;
    },
    get generated() {
      return generated;
    },
    async close() {
      await server.close();
      await context.dispose();
      await model.dispose();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, sequences: { type: 'string', default: '4' } }, strict: true });
  if (!values.model) {
    process.stderr.write('usage: engine-server --model FILE [--sequences N]\n');
    process.exit(2);
  }
  const s = await startEngineServer({
    modelPath: values.model,
    sequences: parseNumber(values.sequences, '--sequences', { integer: true, min: 1 }),
  });
  process.stdout.write(`${s.baseUrl}\n`);
}
