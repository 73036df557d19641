import { describe, expect, it } from 'vitest';
import { htmlPage, table } from './html.ts';
import { esc, lineChartSvg, niceTicks, reliabilitySvg } from './svg.ts';

describe('report rendering', () => {
  it('escapes text everywhere it is printed', () => {
    expect(esc('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(table(['<h>'], [['<td>', 1.23456, null]])).toContain('<td>&lt;td&gt;</td><td>1.2346</td><td>–</td>');
    const page = htmlPage('A <title>', [{ heading: 'S&P', html: '<p>ok</p>' }]);
    expect(page).toContain('<title>A &lt;title&gt;</title>');
    expect(page).toContain('<h2>S&amp;P</h2>');
  });

  it('draws one bar per non-empty bin, and fades bins with few samples', () => {
    const bins = [
      { lo: 0, hi: 0.5, count: 100, mean_confidence: 0.3, accuracy: 0.4 },
      { lo: 0.5, hi: 1, count: 3, mean_confidence: 0.8, accuracy: 0.5 },
    ];
    const svg = reliabilitySvg([
      { title: 'raw', bins },
      { title: 'empty', bins: [{ lo: 0, hi: 1, count: 0, mean_confidence: null, accuracy: null }] },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/fill="#3b6fb6" fill-opacity="0\.85"/g)).toHaveLength(1);
    expect(svg.match(/fill="#3b6fb6" fill-opacity="0\.255"/g)).toHaveLength(1);
    expect(svg).toContain('n 100, mean confidence 0.300, accuracy 0.400');
  });

  it('plots every series and names it in the legend', () => {
    const svg = lineChartSvg(
      [
        { name: 'a & b', values: [1, 1.1, 1.2], color: '#000' },
        { name: 'faint', values: [1, 0.9, 0.8], color: '#999', faint: true },
      ],
      { labels: ['d1', 'd2', 'd3'], yLabel: 'equity', baseline: 1 },
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('a &amp; b (1.20)');
    expect(svg).not.toContain('>faint (');
  });

  it('picks round tick values', () => {
    expect(niceTicks(0.09, 1.23, 6)).toEqual([0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
  });
});
