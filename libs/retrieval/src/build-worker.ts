/**
 * Child side of a background build: reads the store (read-only, WAL lets the server keep writing), builds the
 * index, writes its files under the base name it was given and prints one JSON line. The parent loads the files,
 * catches up the documents stored meanwhile and swaps the index in.
 */
import { probeFaiss } from './backend.ts';
import { buildFromStore } from './build-index.ts';
import { DocStore } from './store.ts';
import type { BuildSpec } from './vector-index.ts';

interface Job {
  dbPath: string;
  base: string;
  spec: BuildSpec;
  upTo: number;
  threads: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
try {
  if (job.spec.backend === 'faiss') {
    const probe = probeFaiss();
    if (probe.ok) probe.faiss.setNumThreads(job.threads);
  }
  const store = new DocStore(job.dbPath, { readonly: true });
  const built = buildFromStore(store, job.spec, job.upTo);
  const files = built.index.save(job.base);
  store.close();
  process.stdout.write(
    JSON.stringify({
      ok: true,
      files,
      spec: built.spec,
      upTo: built.upTo,
      size: built.index.size(),
      trainedOn: built.trainedOn,
      ms: built.ms,
    }) + '\n',
  );
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: (err as Error).message }) + '\n');
  process.exitCode = 1;
}
