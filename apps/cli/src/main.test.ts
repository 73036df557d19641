import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, usageOf } from './main.ts';

const COMMANDS = [
  'run',
  'serve',
  'up',
  'dlq',
  'features',
  'regime',
  'tap',
  'train',
  'eval',
  'rag',
  'finetune',
  'rlmf',
  'outcomes',
  'calibrate',
  'backtest',
];

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { write: (c: string | Uint8Array) => ((text += typeof c === 'string' ? c : Buffer.from(c).toString('utf8')), true) };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function himari(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await main(argv, { env, stdout: out.stream, stderr: err.stream, stdin: new PassThrough(), proc: process });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('himari CMD --help', () => {
  it.each(COMMANDS)('%s --help exits 0 with that command usage only', async (cmd) => {
    const r = await himari([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage:\\n  himari ${cmd}\\b`));
    const others = COMMANDS.filter((c) => c !== cmd && !r.stdout.includes(`himari ${cmd} ${c}`));
    for (const other of others) expect(r.stdout).not.toContain(`himari ${other} `);
  });

  it('-h works after other flags too', async () => {
    const r = await himari(['run', '--input', 'x.jsonl', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(usageOf('run'));
  });

  it('eval retrieval keeps its own fuller usage', async () => {
    const r = await himari(['eval', 'retrieval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe(usageOf('eval'));
    expect(r.stdout).toMatch(/retrieval/);
  });

  it('a usage error shows the message and that command usage, not the whole list', async () => {
    const r = await himari(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`himari: run needs --input FILE (or - for standard input)\n\n${usageOf('run')}`);
  });
});

describe('dev-loop refusals', () => {
  it('serve without a NATS url refuses in one line unless --embedded', async () => {
    const r = await himari(['serve', 'ingestor']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^himari serve: no NATS url .*--embedded/);
  });

  it('up needs both NATS and Redis', async () => {
    const noNats = await himari(['up', '--redis', 'redis://127.0.0.1:1']);
    expect(noNats.code).toBe(2);
    expect(noNats.stderr).toMatch(/^himari up: needs --nats URL/);
    const noRedis = await himari(['up'], { HIMARI_NATS_URL: 'nats://127.0.0.1:1' });
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/^himari up: needs --redis URL/);
  });
});
