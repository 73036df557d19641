/**
 * The WordPiece tokenizer files of the tiny model, in the layout a Hugging Face BERT checkpoint ships them
 * (`tokenizer.json` from the `tokenizers` library plus `tokenizer_config.json`), so that transformers.js builds the
 * same `BertTokenizer` it builds for FinBERT. Every character a test sentence uses has a `##` piece, so unknown
 * words break into sub-words instead of collapsing to [UNK].
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const PUNCT = [...'.,!?$%\'"-:;()&/+#@*'];

/** Whole words so that ordinary finance sentences are a few tokens each, as with a real vocabulary. */
const WORDS = `the a an and or but of to in on at for with by from as is are was were be been has have had will would
can could may might not no it its this that these those they their he she we our you your up down over under after before
than more most less least very new old year years quarter quarterly month week day today yesterday tomorrow
company companies firm bank banks market markets stock stocks share shares price prices investor investors
trader traders fund funds bond bonds yield yields rate rates fed inflation economy growth jobs job sales revenue
revenues profit profits loss losses earnings guidance outlook forecast estimate estimates analyst analysts
rating target upgrade upgraded downgrade downgraded buy sell hold beat beats miss misses missed record high low
higher lower rise rises rose fall falls fell gain gains gained drop drops dropped jump jumps jumped surge surged
plunge plunged soar soared slump slumped rally rallied crash crashed strong weak stronger weaker better worse
good bad positive negative neutral bullish bearish risk risks concern concerns fear fears hope hopes deal deals
merger acquisition acquire acquires buyback dividend dividends cut cuts raise raises raised lowered lawsuit fraud
probe investigation fine fined bankruptcy default debt cash flow margin margins cost costs demand supply oil gas
energy tech technology apple microsoft tesla amazon google nvidia bitcoin ether crypto exchange token coin
billion million percent points per said says report reports reported announce announces announced plan plans
expected expects expectations meeting results result statement ceo cfo board chief officer government regulator
regulators sec court judge ruling approval approved approves launch launches product products customer customers
global china europe us u s america trade tariff tariffs war sanctions shortage strike delay delays recall
steady flat unchanged mixed slightly sharply again still also just only`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Special tokens first (ids 0-4, [PAD] = 0 as in BERT), then characters, `##` pieces and whole words. */
export function buildVocab(extraTokens = 0): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (t: string): void => {
    if (!seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  };
  for (const t of SPECIAL_TOKENS) add(t);
  for (const c of [...CHARS, ...PUNCT]) add(c);
  for (const c of [...CHARS, ...PUNCT]) add(`##${c}`);
  for (const w of WORDS) add(w);
  // Only for the mismatch test: a tokenizer that knows more tokens than the model has embedding rows for.
  for (let i = 0; i < extraTokens; i++) add(`extra${i}`);
  return out;
}

export function tokenizerJson(vocab: readonly string[]): object {
  const id = (t: string): number => {
    const i = vocab.indexOf(t);
    if (i < 0) throw new Error(`special token ${t} missing from the vocabulary`);
    return i;
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => ({
      id: id(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

export function tokenizerConfigJson(maxLength: number): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
}
