export { esc, lineChartSvg, reliabilitySvg } from './svg.ts';
export type { LineChartOptions, LineSeries, ReliabilityBinLike, ReliabilityPanel } from './svg.ts';
export { htmlPage, note, table } from './html.ts';
export type { Cell, Section, TableOptions } from './html.ts';
export { calibrationReportHtml, calibrationReliabilitySvg, calibrationSections } from './calibration.ts';
export type { CalibrationReportLike } from './calibration.ts';
