/**
 * Writes the tiny test model (and optionally its LoRA adapter):
 *   npx tsx tools/tiny-gguf/main.ts --out models/local/tiny.gguf [--lora models/local/tiny-lora.gguf] [--seed N] [--f16]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseNumber } from '@himari/numeric';
import { writeGguf } from './gguf.ts';
import { buildTinyLlama, buildTinyLora } from './tiny-llama.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    lora: { type: 'string' },
    seed: { type: 'string', default: '1' },
    f16: { type: 'boolean', default: false },
  },
  strict: true,
});
if (!values.out) {
  process.stderr.write('usage: tiny-gguf --out FILE [--lora FILE] [--seed N] [--f16]\n');
  process.exit(2);
}
const seed = parseNumber(values.seed, '--seed', { integer: true, min: 0 });
mkdirSync(dirname(values.out), { recursive: true });
const bytes = writeGguf(values.out, buildTinyLlama({ seed, tensorType: values.f16 ? 'f16' : 'f32' }));
process.stdout.write(`wrote ${values.out} (${bytes} bytes)\n`);
if (values.lora) {
  mkdirSync(dirname(values.lora), { recursive: true });
  const loraBytes = writeGguf(values.lora, buildTinyLora({ seed: seed + 1 }));
  process.stdout.write(`wrote ${values.lora} (${loraBytes} bytes)\n`);
}
