import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGgufFileInfo } from 'node-llama-cpp';
import { encodeGguf, toHalf, writeGguf } from './gguf.ts';
import { buildTinyLlama, buildTinyLora, buildVocabulary } from './tiny-llama.ts';

const dir = mkdtempSync(join(tmpdir(), 'tiny-gguf-'));

describe('GGUF writer', () => {
  it('writes a llama model that node-llama-cpp’s GGUF reader parses back: metadata, tensors, offsets', async () => {
    const file = join(dir, 'm.gguf');
    const spec = buildTinyLlama({ seed: 1 });
    writeGguf(file, spec);
    const info = await readGgufFileInfo(file, { readTensorInfo: true });
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe('llama');
    const llama = (info.metadata as unknown as { llama: Record<string, unknown> }).llama;
    expect(llama['embedding_length']).toBe(64);
    expect(llama['block_count']).toBe(2);
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(buildVocabulary().tokens.length);
    expect(info.tensorInfo).toHaveLength(spec.tensors.length);
    for (const t of info.tensorInfo ?? []) expect(Number(t.offset) % 32).toBe(0);
    expect(info.tensorInfo?.find((t) => t.name === 'blk.1.ffn_down.weight')?.dimensions.map(Number)).toEqual([128, 64]);
  });

  it('is deterministic for a seed', () => {
    expect(encodeGguf(buildTinyLlama({ seed: 4 })).equals(encodeGguf(buildTinyLlama({ seed: 4 })))).toBe(true);
    expect(encodeGguf(buildTinyLlama({ seed: 4 })).equals(encodeGguf(buildTinyLlama({ seed: 5 })))).toBe(false);
  });

  it('writes the adapter layout llama.cpp expects (lora_a [in, r], lora_b [r, out])', async () => {
    const file = join(dir, 'lora.gguf');
    writeGguf(file, buildTinyLora({ rank: 4 }));
    const info = await readGgufFileInfo(file, { readTensorInfo: true });
    const meta = info.metadata as unknown as { general: { type: string }; adapter: { type: string; lora: { alpha: number } } };
    expect(meta.general.type).toBe('adapter');
    expect(meta.adapter).toEqual({ type: 'lora', lora: { alpha: 8 } });
    const a = info.tensorInfo!.find((t) => t.name === 'blk.0.attn_v.weight.lora_a')!;
    const b = info.tensorInfo!.find((t) => t.name === 'blk.0.attn_v.weight.lora_b')!;
    expect(a.dimensions.map(Number)).toEqual([64, 4]);
    expect(b.dimensions.map(Number)).toEqual([4, 32]);
  });

  it('converts to IEEE half precision', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0.5)).toBe(0x3800);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});
