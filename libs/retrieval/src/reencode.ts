import type { Encoder } from '@himari/embeddings';
import type { Logger } from '@himari/observability';
import type { DocStore } from './store.ts';

/** A store written by another encoder is re-encoded at open, in pages, before anything searches it. */
export async function reencodeIfNeeded(store: DocStore, encoder: Encoder, log: Logger): Promise<void> {
  const was = store.getMeta('encoder');
  if (was === encoder.id) return;
  const n = store.count();
  if (was !== null && n > 0) {
    log.warn({ was, now: encoder.id, documents: n }, 'J3 encoder changed: re-encoding every stored document');
    let page: { rowid: number; text: string }[] = [];
    const flush = async (): Promise<void> => {
      const vecs = await encoder.encode(page.map((p) => p.text));
      store.setVectors(page.map((p, i) => ({ rowid: p.rowid, vector: vecs[i]! })));
      page = [];
    };
    for (const r of store.textsAfter(0)) {
      page.push(r);
      if (page.length === 256) await flush();
    }
    if (page.length) await flush();
  }
  store.setMeta('encoder', encoder.id);
}
