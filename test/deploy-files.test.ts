import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDeployConfig } from '../tools/deploy/render-nats.ts';
import { renderDeployAcl } from '../tools/deploy/render-redis.ts';
import { ROOT } from './support/env.ts';

describe('deploy/ permission files', () => {
  it('equal what the permission table renders (rerun tools/deploy/render-*.ts after changing it)', () => {
    expect(readFileSync(join(ROOT, 'deploy/nats/himari.conf'), 'utf8')).toBe(renderDeployConfig());
    expect(readFileSync(join(ROOT, 'deploy/redis/users.acl'), 'utf8')).toBe(renderDeployAcl());
  });
});
