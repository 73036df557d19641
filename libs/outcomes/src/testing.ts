/** Builders for J4 tests: drafts and weekday calendars. */
import { DraftSignal } from '@himari/contracts';
import { draftFromUpstream } from '@himari/drafting';
import { makeScoredNews } from '@himari/drafting/testing';

/** A valid DraftSignal (an AAPL earnings beat, BUY) with fields replaced; validated, so a bad override fails here. */
export function makeDraft(o: Partial<DraftSignal> = {}): DraftSignal {
  const base = draftFromUpstream(makeScoredNews(), 'opt-actor', 1_735_830_000_100);
  return DraftSignal.parse({ ...base, ...o });
}

/** `n` consecutive weekdays from `start` (no holidays: tests build their own sessions). */
export function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
