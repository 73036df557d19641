import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { addSecrets, createLogger, redact, redactUrl } from './index.ts';

describe('redact', () => {
  it('masks the password of any URL in a text', () => {
    expect(redact('serving redis://:S3cretRedisPw@127.0.0.1:6379/0 and nats://u:p4ss@h:4222')).toBe(
      'serving redis://:***@127.0.0.1:6379/0 and nats://u:***@h:4222',
    );
    expect(redactUrl('rediss://writer:pw@r:6380')).toBe('rediss://writer:***@r:6380');
    expect(redactUrl(null)).toBe('memory');
  });

  it('masks registered secrets wherever they appear, also inside JSON-escaped log lines', () => {
    addSecrets(['t0ken-abcdef', 'S3cret.Pw+']);
    expect(redact('WRONGPASS for S3cret.Pw+; token t0ken-abcdef')).toBe('WRONGPASS for ***; token ***');
  });

  it('keeps every line a logger writes free of them', () => {
    const lines: string[] = [];
    const dest = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ name: 't', level: 'info', destination: dest as never, secrets: ['hunter2-pw'] });
    log.info({ url: 'redis://:hunter2-pw@h:1', err: new Error('auth hunter2-pw failed') }, 'serving nats://a:b@c');
    const text = lines.join('');
    expect(text).toContain('serving');
    expect(text).not.toContain('hunter2-pw');
    expect(text).not.toContain('a:b@');
  });
});
