import { Registry } from 'prom-client';
import { startMetricsServer } from '@himari/observability';
import { spawnSync } from 'node:child_process';
const s = await startMetricsServer(new Registry(), 19464, '127.0.0.1');
const cmd = "fetch('http://127.0.0.1:' + process.env.HIMARI_METRICS_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), (e) => { console.error(e); process.exit(1) })";
const r = spawnSync('node', ['-e', cmd], { env: { ...process.env, HIMARI_METRICS_PORT: '19464' }, encoding: 'utf8' });
console.log(r.status, r.stderr.slice(0, 500));
await s.close();
