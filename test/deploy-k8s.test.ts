/**
 * deploy/k8s renders offline with `kubectl kustomize` for every overlay, and every rendered object validates against
 * the Kubernetes API's JSON schemas (kubernetes-models, generated from the Kubernetes OpenAPI spec) or KEDA's CRD
 * schema (@kubernetes-models/keda): types, required fields, enums, formats. Those schemas accept unknown fields, so
 * the checks below also hold the manifests to the project: the config file passes libs/config's strict schema, every
 * ScaledObject names a durable the code creates, probes hit the health endpoints, GPU actors are the model stages.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ENV_KEYS, parseConfig } from '@himari/config';
import { busNames, STAGES, Topic } from '@himari/contracts';
import { ROOT } from './support/env.ts';
import { parse as parseYaml } from 'yaml';

const K8S = join(ROOT, 'deploy/k8s');
const OVERLAYS = readdirSync(join(K8S, 'overlays'));
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl && !process.env['CI']) console.warn('kubectl not found: skipping the deploy/k8s render checks');

// Rendered manifests are read field by field below; their shape is checked by the schema validation, not by tsc.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> };
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};
const GPU_ACTORS = ['finbert-actor', 'opt-actor', 'cot-actor'];
const STATEFUL = ['cot-actor', 'rag-actor', 'calibrator'];

function render(overlay: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

describe.skipIf(!haveKubectl && !process.env['CI'])('deploy/k8s', () => {
  it('has the dev, production and gpu overlays', () => {
    expect(OVERLAYS.sort()).toEqual(['dev', 'gpu', 'production']);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    const objs = render(overlay);
    const of = (kind: string): Obj[] => objs.filter((o) => o.kind === kind);
    const deployments = new Map(of('Deployment').map((d) => [d.metadata.name, d]));

    it('every rendered object validates against its API schema', () => {
      expect(objs.length).toBeGreaterThan(20);
      const errors: string[] = [];
      for (const o of objs) {
        const Model = MODELS[`${o.apiVersion}/${o.kind}`];
        if (!Model) {
          errors.push(`${o.apiVersion} ${o.kind} ${o.metadata.name}: no schema here`);
          continue;
        }
        try {
          new Model(o as never).validate();
        } catch (err) {
          errors.push(`${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
        }
      }
      expect(errors).toEqual([]);
    });

    it('the schemas are not a rubber stamp: a wrong type is refused', () => {
      const d = structuredClone(deployments.get('ingestor')!);
      d.spec.replicas = 'two';
      expect(() => new Deployment(d as never).validate()).toThrow(/replicas/);
    });

    it('one Deployment per actor, with requests, limits, health probes and a PDB', () => {
      expect([...deployments.keys()].sort()).toEqual([...STAGES].sort());
      const pdbs = of('PodDisruptionBudget');
      for (const stage of STAGES) {
        const c = deployments.get(stage)!.spec.template.spec.containers[0];
        expect(c.env).toContainEqual({ name: 'HIMARI_ACTOR', value: stage });
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
        expect(c.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
        const labels = deployments.get(stage)!.spec.selector.matchLabels;
        expect(pdbs.filter((p) => JSON.stringify(p.spec.selector.matchLabels) === JSON.stringify(labels))).toHaveLength(1);
      }
    });

    it('ScaledObjects scale on the durables the code creates, in the stream it creates', () => {
      const names = busNames('himari');
      const scaled = of('ScaledObject');
      for (const so of scaled) {
        const stage = so.spec.scaleTargetRef.name as string;
        expect(deployments.has(stage)).toBe(true);
        expect(STATEFUL).not.toContain(stage);
        for (const t of so.spec.triggers as { type: string; metadata: Record<string, string> }[]) {
          if (t.type === 'cpu') continue;
          expect(t.type).toBe('nats-jetstream');
          expect(t.metadata['stream']).toBe(names.stream);
          const durables = Object.values(Topic).map((topic) => names.durable(stage as never, topic));
          expect(durables).toContain(t.metadata['consumer']);
        }
      }
      expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(STAGES.filter((s) => !STATEFUL.includes(s)).sort());
    });

    it('stateful actors keep one writer on a volume; referenced ConfigMaps and claims exist', () => {
      const claims = new Set(of('PersistentVolumeClaim').map((p) => p.metadata.name));
      const maps = new Set(of('ConfigMap').map((p) => p.metadata.name));
      for (const [name, d] of deployments) {
        const spec = d.spec.template.spec;
        for (const v of spec.volumes ?? []) {
          if (v.persistentVolumeClaim) expect(claims).toContain(v.persistentVolumeClaim.claimName);
          if (v.configMap) expect(maps).toContain(v.configMap.name);
        }
        for (const e of spec.containers[0].envFrom ?? []) if (e.configMapRef) expect(maps).toContain(e.configMapRef.name);
        if (STATEFUL.includes(name)) {
          expect(d.spec.replicas).toBe(1);
          expect(d.spec.strategy.type).toBe('Recreate');
          expect(spec.volumes.some((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim)).toBe(true);
        }
      }
    });

    it('the config file and environment pass libs/config (unknown keys refused)', () => {
      const maps = of('ConfigMap');
      const file = maps.find((m) => m.metadata.name.startsWith('himari-config'))!.data!['himari.yaml']!;
      const doc = parseYaml(file) as { himari: unknown };
      const config = parseConfig(doc.himari);
      expect(config.nats.url).toMatch(/^nats:\/\//);
      expect(config.observability.metrics_port).toBe(9464);
      const env = maps.find((m) => m.metadata.name.startsWith('himari-env'))!.data!;
      for (const k of Object.keys(env)) expect([...Object.keys(ENV_KEYS), 'HIMARI_CONFIG']).toContain(k);
    });

    it(overlay === 'gpu' ? 'puts exactly the model stages on GPU nodes' : 'asks for no GPU', () => {
      for (const [name, d] of deployments) {
        const spec = d.spec.template.spec;
        const gpu = spec.containers[0].resources.limits['nvidia.com/gpu'];
        if (overlay === 'gpu' && GPU_ACTORS.includes(name)) {
          expect(gpu).toBe('1');
          expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
          expect(spec.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
          expect(spec.containers[0].image).toMatch(/^himari\/sidecar-cuda:/);
        } else {
          expect(gpu).toBeUndefined();
          expect(spec.containers[0].image).toMatch(/^himari\/sidecar:/);
        }
      }
    });
  });
});
