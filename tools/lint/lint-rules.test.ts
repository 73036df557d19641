import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Each case lints a virtual file at a real path inside a package, so the rules see it exactly as they would see a
// committed file: its project, its tags, its types. The repository's own config is used, with one change: the
// TypeScript project service instead of the one-program `parserOptions.project`, because the files are not on disk.
const ROOT = join(import.meta.dirname, '..', '..');

let eslint: ESLint;
/** A file that keeps every rule, linted first: it pays for loading the config, the project graph and TypeScript. */
let cleanMessages: Linter.LintMessage[];

beforeAll(async () => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: {
        parserOptions: {
          project: null,
          // Virtual files are in no tsconfig's file list: they get the root one, which covers every package.
          projectService: {
            allowDefaultProject: ['libs/*/src/lint-probe*.ts', 'apps/*/src/lint-probe*.ts'],
            defaultProject: 'tsconfig.json',
          },
          tsconfigRootDir: ROOT,
        },
      },
    },
  });
  cleanMessages = await lint(
    'libs/pipeline/src/lint-probe.ts',
    [
      "import { Stage } from '@himari/contracts';",
      "import { createMemoryTransport } from '@himari/bus';",
      'export const probe = [Stage, createMemoryTransport];',
    ].join('\n'),
  );
}, 120_000);

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result!.messages;
}

function rules(messages: Linter.LintMessage[]): string[] {
  return messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message.split('\n')[0]}`);
}

describe('the architecture lint', () => {
  it('passes a file that keeps the rules (so a report below is about the violation, not the setup)', () => {
    expect(rules(cleanMessages)).toEqual([]);
  });

  it('reports a deep import into another package', async () => {
    const messages = await lint(
      'libs/pipeline/src/lint-probe.ts',
      "import { MemoryTransport } from '@himari/bus/src/memory.ts';\nexport const t = MemoryTransport;\n",
    );
    expect(rules(messages)).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*Deep import/));
  });

  it('reports a relative import into another package', async () => {
    const messages = await lint(
      'libs/pipeline/src/lint-probe.ts',
      "import { MemoryTransport } from '../../bus/src/memory.ts';\nexport const t = MemoryTransport;\n",
    );
    expect(rules(messages).join('\n')).toMatch(
      /@nx\/enforce-module-boundaries: Projects cannot be imported by a relative or absolute path/,
    );
  });

  it('reports a library importing an app', async () => {
    const messages = await lint('libs/pipeline/src/lint-probe.ts', "import '@himari/app-ingestor';\n");
    expect(rules(messages)).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*Apps are entry points/));
  });

  it('reports an app importing another app', async () => {
    const messages = await lint('apps/ingestor/src/lint-probe.ts', "import '@himari/app-calibrator';\n");
    expect(rules(messages)).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*Apps are entry points/));
  });

  it('reports an import cycle between projects', async () => {
    const messages = await lint(
      'libs/bus/src/lint-probe.ts',
      "import { RetrievalService } from '@himari/retrieval';\nexport const r = RetrievalService;\n",
    );
    expect(rules(messages)).toContainEqual(
      '@nx/enforce-module-boundaries: Circular dependency between "@himari/bus" and "@himari/retrieval" detected: @himari/bus -> @himari/retrieval -> @himari/bus',
    );
  });

  it('reports a layer violation: infra importing a domain lib', async () => {
    // sentiment does not depend on bus, so this is a layer violation only (with retrieval, Nx reports the cycle first).
    const messages = await lint('libs/bus/src/lint-probe.ts', "import { toAsync } from '@himari/sentiment';\nexport const r = toAsync;\n");
    expect(rules(messages)).toContainEqual(
      '@nx/enforce-module-boundaries: A project tagged with "layer:infra" can only depend on libs tagged with "layer:core", "layer:infra"',
    );
  });

  it('reports a domain lib importing the pipeline', async () => {
    // reports is a lib the pipeline does not reach, so the import is a layer violation and not also a cycle.
    const messages = await lint(
      'libs/reports/src/lint-probe.ts',
      "import { serveActor } from '@himari/pipeline';\nexport const s = serveActor;\n",
    );
    expect(rules(messages)).toContainEqual(expect.stringMatching(/^@nx\/enforce-module-boundaries: A project tagged with "layer:domain"/));
  });

  it.each([
    ['process.env', "export const url = process.env['HIMARI_NATS_URL'];"],
    ['an alias', "const proc = process;\nexport const url = proc.env['HIMARI_NATS_URL'];"],
    ['a parameter typed as the process', "export const url = (p: NodeJS.Process) => p.env['HIMARI_NATS_URL'];"],
    ['destructuring', "const { env } = process;\nexport const url = env['HIMARI_NATS_URL'];"],
    ['globalThis', "export const url = globalThis.process.env['HIMARI_NATS_URL'];"],
    ['an element access', "export const url = process['env']['HIMARI_NATS_URL'];"],
    ['a default import of node:process', "import proc from 'node:process';\nexport const url = proc.env['HIMARI_NATS_URL'];"],
    ['a named import from node:process', "import { env } from 'node:process';\nexport const url = env['HIMARI_NATS_URL'];"],
  ])('reports a library reading the environment through %s', async (_how, code) => {
    const messages = await lint('libs/pipeline/src/lint-probe.ts', code);
    expect(rules(messages)).toContainEqual(expect.stringMatching(/^himari\/no-process-env: /));
  });

  it('lets apps and library tests read the environment, and libraries use the rest of the process', async () => {
    const code = "export const url = process.env['HIMARI_NATS_URL'];\n";
    expect(rules(await lint('apps/ingestor/src/lint-probe.ts', code))).toEqual([]);
    expect(rules(await lint('libs/pipeline/src/lint-probe.test.ts', code))).toEqual([]);
    const env = { HIMARI_NATS_URL: 'x' };
    expect(
      rules(
        await lint(
          'libs/pipeline/src/lint-probe.ts',
          `const env = ${JSON.stringify(env)};\nexport const pid = [process.pid, env.HIMARI_NATS_URL];\n`,
        ),
      ),
    ).toEqual([]);
  });

  it('reports a floating promise and a promise passed where a void callback is expected', async () => {
    const messages = await lint(
      'libs/bus/src/lint-probe.ts',
      [
        'async function flush(): Promise<void> {}',
        'export function stop(): void {',
        '  flush();',
        '}',
        'export const timer = setTimeout(async () => flush(), 1);',
        "process.on('exit', async () => flush());",
      ].join('\n'),
    );
    const found = rules(messages);
    expect(found).toContainEqual(expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /));
    expect(found).toContainEqual(expect.stringMatching(/^@typescript-eslint\/no-misused-promises: /));
  });
});

describe('the project tags', () => {
  it('gives every project exactly one layer tag', () => {
    const untagged: string[] = [];
    for (const kind of ['libs', 'apps']) {
      for (const name of readdirSync(join(ROOT, kind))) {
        const file = join(ROOT, kind, name, 'package.json');
        if (!existsSync(file)) continue;
        const tags: string[] = JSON.parse(readFileSync(file, 'utf8')).nx?.tags ?? [];
        const layers = tags.filter((t) => t.startsWith('layer:'));
        const expected = kind === 'apps' ? ['layer:app'] : layers.filter((t) => t !== 'layer:app');
        if (layers.length !== 1 || expected.length !== 1) untagged.push(`${kind}/${name}: ${JSON.stringify(tags)}`);
      }
    }
    expect(untagged).toEqual([]);
  });
});
