/** A token trie: longest whole-token phrase matches, left to right, never overlapping. */

interface Node<T> {
  readonly next: Map<string, Node<T>>;
  values: T[];
}

export interface TokenMatch<T> {
  /** First and last token index covered (inclusive). */
  readonly start: number;
  readonly end: number;
  /** Everything registered under the matched phrase (one phrase may serve several categories). */
  readonly values: readonly T[];
}

export class PhraseIndex<T> {
  private readonly root: Node<T> = { next: new Map(), values: [] };

  add(tokens: readonly string[], value: T): void {
    if (tokens.length === 0) throw new RangeError('a phrase needs at least one token');
    let node = this.root;
    for (const t of tokens) {
      let child = node.next.get(t);
      if (!child) node.next.set(t, (child = { next: new Map(), values: [] }));
      node = child;
    }
    node.values.push(value);
  }

  match(tokens: readonly string[]): TokenMatch<T>[] {
    const out: TokenMatch<T>[] = [];
    let i = 0;
    while (i < tokens.length) {
      let best: { end: number; values: T[] } | undefined;
      let node: Node<T> | undefined = this.root;
      for (let j = i; j < tokens.length && node; j++) {
        node = node.next.get(tokens[j] as string);
        if (node && node.values.length > 0) best = { end: j, values: node.values };
      }
      if (best) {
        out.push({ start: i, end: best.end, values: best.values });
        i = best.end + 1;
      } else {
        i++;
      }
    }
    return out;
  }
}
