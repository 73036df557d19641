/**
 * Writes deploy/redis/users.acl from the ACL table in libs/pipeline (a unit test keeps the committed file equal).
 * The committed passwords are sha256 placeholders of "change-me-<role>": replace them before deploying.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRedisAcl } from '@himari/pipeline';

export function renderDeployAcl(): string {
  return renderRedisAcl({ password: (role) => `#${createHash('sha256').update(`change-me-${role}`).digest('hex')}` });
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(join(import.meta.dirname, '../../deploy/redis/users.acl'), renderDeployAcl());
}
