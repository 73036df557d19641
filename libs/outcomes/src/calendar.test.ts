import { describe, expect, it } from 'vitest';
import { isEarlyClose, nyOffsetMinutes, SessionCalendar, sessionCloseMs, sessionOpenMs, toNyTime } from './calendar.ts';

describe('New York time', () => {
  it('follows daylight saving time', () => {
    expect(nyOffsetMinutes(Date.parse('2015-01-15T12:00:00Z'))).toBe(-300);
    expect(nyOffsetMinutes(Date.parse('2015-07-15T12:00:00Z'))).toBe(-240);
    // 2015: DST began 8 March at 2:00 EST (07:00Z) and ended 1 November at 2:00 EDT (06:00Z).
    expect(nyOffsetMinutes(Date.parse('2015-03-08T06:59:00Z'))).toBe(-300);
    expect(nyOffsetMinutes(Date.parse('2015-03-08T07:00:00Z'))).toBe(-240);
    expect(nyOffsetMinutes(Date.parse('2015-11-01T05:59:00Z'))).toBe(-240);
    expect(nyOffsetMinutes(Date.parse('2015-11-01T06:00:00Z'))).toBe(-300);
  });

  it('puts the open at 9:30 and the close at 16:00 local time, in UTC on both sides of the switch', () => {
    expect(new Date(sessionOpenMs('2015-03-06')).toISOString()).toBe('2015-03-06T14:30:00.000Z');
    expect(new Date(sessionOpenMs('2015-03-09')).toISOString()).toBe('2015-03-09T13:30:00.000Z');
    expect(new Date(sessionCloseMs('2015-03-09')).toISOString()).toBe('2015-03-09T20:00:00.000Z');
    expect(toNyTime(Date.parse('2014-01-02T04:30:00Z'))).toEqual({ date: '2014-01-01', minute: 23 * 60 + 30 });
  });

  it('knows the NYSE 13:00 early closes', () => {
    expect(isEarlyClose('2014-11-28')).toBe(true); // day after Thanksgiving
    expect(isEarlyClose('2015-11-27')).toBe(true);
    expect(isEarlyClose('2015-11-26')).toBe(false);
    expect(isEarlyClose('2014-12-24')).toBe(true); // Wednesday
    expect(isEarlyClose('2016-12-24')).toBe(false); // Saturday
    expect(isEarlyClose('2014-07-03')).toBe(true); // Thursday
    expect(isEarlyClose('2015-07-03')).toBe(false); // Friday: the observed holiday itself
    expect(new Date(sessionCloseMs('2014-12-24')).toISOString()).toBe('2014-12-24T18:00:00.000Z');
  });
});

describe('SessionCalendar.tradePointOf', () => {
  // Thu 2015-03-05, Fri 03-06, Mon 03-09 (after the DST switch).
  const cal = new SessionCalendar(['2015-03-09', '2015-03-05', '2015-03-06']);
  const at = (iso: string) => {
    const tp = cal.tradePointOf(Date.parse(iso));
    return tp && `${tp.date} ${tp.point}`;
  };

  it('trades news before the open at the open, during the session at the close, after the close at the next open', () => {
    expect(at('2015-03-05T14:29:59Z')).toBe('2015-03-05 open'); // 9:29:59 EST
    expect(at('2015-03-05T14:30:00Z')).toBe('2015-03-05 close'); // exactly the open: the open price is already set
    expect(at('2015-03-05T20:59:59Z')).toBe('2015-03-05 close');
    expect(at('2015-03-05T21:00:00Z')).toBe('2015-03-06 open'); // 16:00 EST
    expect(at('2015-03-06T23:00:00Z')).toBe('2015-03-09 open'); // Friday evening: Monday's open
    expect(at('2015-03-08T12:00:00Z')).toBe('2015-03-09 open');
    expect(at('2015-03-09T13:29:00Z')).toBe('2015-03-09 open'); // 9:29 EDT
    expect(at('2015-03-09T13:30:00Z')).toBe('2015-03-09 close');
    expect(at('2015-03-09T20:00:00Z')).toBeUndefined(); // after the last close
  });

  it('lists trade points in time order', () => {
    const pts = [...cal.tradePoints()].map((p) => p.at);
    expect(pts).toEqual([...pts].sort((a, b) => a - b));
    expect(pts).toHaveLength(6);
  });
});
