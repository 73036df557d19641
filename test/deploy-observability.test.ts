/**
 * deploy/prometheus and deploy/grafana: the alert rules load and fire as their unit tests say (promtool, from
 * Debian's prometheus package, which .ci/run installs), the scrape config is valid, and every metric the dashboard
 * and the alerts query is one the code registers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/env.ts';

const PROM = join(ROOT, 'deploy/prometheus');
const DASHBOARD = join(ROOT, 'deploy/grafana/himari-sidecar.json');
const havePromtool = spawnSync('promtool', ['--version']).status === 0;
// In CI a missing promtool is a failure (.ci/run installs it); on a laptop without it these tests say why they skip.
if (!havePromtool && !process.env['CI']) console.warn('promtool not found (apt-get install prometheus): skipping the promtool checks');

function promtool(args: string[], cwd: string): string {
  return execFileSync('promtool', args, { cwd, encoding: 'utf8' });
}

/** Names registered by the code: every 'himari_…' string literal in the libs' and apps' sources (metric names). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (e === 'node_modules') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/'(himari_[a-z0-9_]+)'/g)) names.add(m[1]!);
    }
  };
  walk(join(ROOT, 'libs'));
  walk(join(ROOT, 'apps'));
  return names;
}

/** `himari_…` names a PromQL text uses, with histogram suffixes mapped to the metric; recording rules excluded. */
function queried(text: string): string[] {
  return [...text.matchAll(/\b(himari_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

describe('Prometheus alert rules', () => {
  it.skipIf(!havePromtool && !process.env['CI'])('pass promtool check rules and the rules unit tests', () => {
    expect(promtool(['check', 'rules', 'alerts.yaml'], PROM)).toMatch(/SUCCESS: \d+ rules found/);
    expect(promtool(['test', 'rules', 'alerts.test.yaml'], PROM)).toMatch(/SUCCESS/);
  });

  it.skipIf(!havePromtool && !process.env['CI']).each(['prometheus.yml', 'prometheus.host.yml'])(
    'the compose scrape config %s is valid and loads the rules',
    (file) => {
      const dir = mkdtempSync(join(tmpdir(), 'himari-prom-'));
      copyFileSync(join(PROM, 'alerts.yaml'), join(dir, 'alerts.yaml'));
      writeFileSync(join(dir, file), readFileSync(join(PROM, file), 'utf8').replace('/etc/prometheus/alerts.yaml', 'alerts.yaml'));
      expect(promtool(['check', 'config', file], dir)).toMatch(/SUCCESS: 1 rule files found/);
    },
  );
});

describe('metric names', () => {
  const registered = registeredMetrics();

  it('finds the actors metrics in the code (the check below is not empty)', () => {
    for (const n of [
      'himari_messages_processed_total',
      'himari_consumer_lag',
      'himari_feature_reads_total',
      'himari_calibration_learnt_keys',
    ])
      expect(registered).toContain(n);
  });

  it('every metric the alerts query is registered by the code', () => {
    const text = readFileSync(join(PROM, 'alerts.yaml'), 'utf8').replace(/himari:[a-z_:]+/g, '');
    const used = queried(text);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((n) => !registered.has(n))).toEqual([]);
  });

  it('every metric the dashboard queries is registered by the code, and each panel has a query', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { type: string; id: number; targets?: { expr: string }[] }[] };
    const panels = dash.panels.filter((p) => p.type !== 'row');
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
    const exprs = panels.flatMap((p) => {
      expect(p.targets?.length, `panel ${p.id}`).toBeGreaterThan(0);
      return p.targets!.map((t) => t.expr);
    });
    const used = exprs.flatMap(queried);
    expect(used.filter((n) => !registered.has(n))).toEqual([]);
    // What the issue asks the dashboard to show.
    for (const n of [
      'himari_messages_processed_total',
      'himari_handling_seconds',
      'himari_consumer_lag',
      'himari_messages_dead_lettered_total',
      'himari_llm_items_total',
      'himari_feature_reads_total',
      'himari_calibration_learnt_keys',
    ])
      expect(used).toContain(n);
  });
});
