/**
 * News text is data. Before it enters a prompt it is cleaned of what could pass for structure (chat-template tokens,
 * role markers, our own fence markers) and enclosed between markers that carry a random nonce per request: the text
 * cannot close a fence whose name it cannot know. The instructions are fixed text that never includes the news.
 */
import { randomBytes } from 'node:crypto';
import { detectPromptInjection, truncateAtWord } from '@himari/ingest';

/** Chat-template and special tokens of the common model families. */
const SPECIAL_TOKENS =
  /<\|[^|<>\n]{1,40}\|>|<\/?s>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:think|tool_call|start_of_turn|end_of_turn|bos|eos)>|<start_of_turn>|<end_of_turn>/gi;
/** A role marker at the start of a line ("system:", "### Assistant:", "**User**:"). */
const ROLE_MARKER = /^([ \t]*)(?:#{1,6}[ \t]*)?(?:\*\*|__)?(?:system|assistant|user|developer|human|ai)(?:\*\*|__)?[ \t]*:/gim;
/** Anything shaped like our fence markers. */
const FENCE_LIKE = /<{3,}|>{3,}/g;

export interface SanitisedText {
  text: string;
  /** What was removed: `special_tokens`, `role_markers`, `fence_markers`, `truncated`. */
  removed: string[];
}

export function sanitiseForPrompt(raw: string, maxChars: number): SanitisedText {
  const removed: string[] = [];
  let text = raw;
  const replace = (re: RegExp, by: string | ((...m: string[]) => string), label: string): void => {
    const next = text.replace(re, by as string);
    if (next !== text) removed.push(label);
    text = next;
  };
  replace(SPECIAL_TOKENS, ' ', 'special_tokens');
  replace(ROLE_MARKER, (_m: string, indent: string) => `${indent}`, 'role_markers');
  replace(FENCE_LIKE, ' ', 'fence_markers');
  text = text.replace(/[ \t]{2,}/g, ' ').trim();
  if (text.length > maxChars) {
    const cut = truncateAtWord(text, maxChars);
    text = cut.text;
    removed.push('truncated');
  }
  return { text, removed };
}

/** 96 random bits: a text cannot guess the marker that would close its fence. */
export function newNonce(): string {
  return randomBytes(12).toString('hex');
}

export interface Fence {
  nonce: string;
  open(label: string): string;
  close(label: string): string;
  wrap(label: string, text: string): string;
}

export function fence(nonce = newNonce()): Fence {
  const open = (label: string): string => `<<<${label}-${nonce}>>>`;
  const close = (label: string): string => `<<<END-${label}-${nonce}>>>`;
  return { nonce, open, close, wrap: (label, text) => `${open(label)}\n${text}\n${close(label)}` };
}

/**
 * The ingestor's patterns (libs/ingest) run again here: items reach the LLM actors from other producers too, and
 * retrieved documents never went through the ingestor's flagging as prompt text.
 */
export function detectInjection(text: string): string[] {
  return detectPromptInjection(text);
}
