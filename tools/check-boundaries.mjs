#!/usr/bin/env node
// The architecture's rules, checked on every lint: apps import libs and never another app; libs never import apps;
// no deep imports into another package's files; libraries never read process.env (apps pass configuration in).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const projects = args.length
  ? args
  : ['apps', 'libs']
      .flatMap((d) => readdirSync(join(root, d)).map((p) => `${d}/${p}`))
      .filter((p) => existsSync(join(root, p, 'package.json')));

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

for (const project of projects) {
  const kind = project.split('/')[0];
  const src = join(root, project, 'src');
  if (!existsSync(src)) continue;
  for (const file of walk(src)) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(root, file);
    const isTest = /\.test\.ts$|testing\.ts$|contract-suite\.ts$|-suite\.ts$/.test(file);
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('@himari/app-'))
        problems.push(`${rel}: imports an app (${spec}); apps are entry points, put shared code in a lib`);
      if (/^@himari\/[^/]+\/(?!testing$|offline$|contract-suite$)/.test(spec))
        problems.push(`${rel}: deep import ${spec}; import the package's public entry`);
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(join(root, project) + '/'))
          problems.push(`${rel}: relative import ${spec} leaves its project; import the package by name`);
      }
      if (kind === 'libs' && spec.includes('/apps/')) problems.push(`${rel}: a lib imports an app (${spec})`);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    if (kind === 'libs' && !isTest && /\bprocess\.env\b/.test(code))
      problems.push(`${rel}: a library reads process.env; take configuration as a parameter`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} boundary problem(s)`);
  process.exit(1);
}
console.log(`boundaries ok (${projects.length} projects)`);
