/**
 * Writes deploy/nats/himari.conf from the permission table in libs/pipeline (run with tsx; a unit test keeps the
 * committed file equal to this output). Passwords are nats-server environment references: $HIMARI_NATS_PW_<USER>.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderNatsServerConfig } from '@himari/pipeline';

export function renderDeployConfig(): string {
  return renderNatsServerConfig({
    prefix: 'himari',
    port: 4222,
    storeDir: '/data/jetstream',
    password: (user) => `$HIMARI_NATS_PW_${user.toUpperCase().replace(/-/g, '_')}`,
  });
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(join(import.meta.dirname, '../../deploy/nats/himari.conf'), renderDeployConfig());
}
