import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.ts';

describe('config/himari.example.yaml', () => {
  it('is valid and equals the defaults, so the reference cannot drift from the schema', () => {
    const file = join(import.meta.dirname, '../../../config/himari.example.yaml');
    expect(loadConfig({ file })).toEqual(loadConfig());
  });
});
