export type ChartGroup = {
  label: string;
  service: number;
  baseline: number;
  /** The floor app's throughput, where it was measured. */
  floor?: number;
};

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const BASELINE = '#9aa5b1';
const FLOOR = '#f0a040';
const SERVICE = '#2f6fdb';

/**
 * A grouped horizontal bar chart (baseline, floor where measured, and service throughput per
 * scenario and concurrency), as a self-contained SVG so it renders on any Markdown viewer.
 */
export function throughputChart(title: string, groups: readonly ChartGroup[]): string {
  const barStep = 13;
  const gap = 8;
  const labelWidth = 230;
  const barWidth = 520;
  const top = 48;
  const width = labelWidth + barWidth + 180;
  const finite = (value: number) => (Number.isFinite(value) ? value : 0);
  const max = Math.max(
    1,
    ...groups.flatMap((g) => [g.service, g.baseline, g.floor ?? 0].map(finite)),
  );
  const scale = (value: number) => (value / max) * barWidth;
  const percent = (ratio: number) =>
    Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : 'n/a';
  let y = top;
  const rows = groups.map((group) => {
    const bars: { value: number; color: string; note: string }[] = [
      { value: group.baseline, color: BASELINE, note: '' },
      ...(group.floor === undefined
        ? []
        : [
            {
              value: group.floor,
              color: FLOOR,
              note: ` (${percent(group.floor / group.baseline)} of baseline)`,
            },
          ]),
      {
        value: group.service,
        color: SERVICE,
        note:
          ` (${percent(group.service / group.baseline)} of baseline` +
          (group.floor === undefined ? ')' : `, ${percent(group.service / group.floor)} of floor)`),
      },
    ];
    const rowTop = y;
    y += bars.length * barStep + gap;
    const middle = rowTop + 2 + (bars.length * barStep) / 2 + 4;
    return [
      `<text x="${labelWidth - 8}" y="${middle}" text-anchor="end">${escape(group.label)}</text>`,
      ...bars.map((bar, index) => {
        const barTop = rowTop + 2 + index * barStep;
        const length = scale(finite(bar.value));
        return (
          `<rect x="${labelWidth}" y="${barTop}" width="${length.toFixed(1)}" height="12" fill="${bar.color}"/>` +
          `<text x="${labelWidth + length + 6}" y="${barTop + 10}" class="small">${Math.round(finite(bar.value))}/s${bar.note}</text>`
        );
      }),
    ].join('');
  });
  const height = y + 32;
  const legend = [
    [BASELINE, 'pgbench baseline (same SQL)'],
    [FLOOR, 'floor: bare Nest + express + pg'],
    [SERVICE, 'service over HTTP'],
  ]
    .map(
      ([color, text], index) =>
        `<rect x="${labelWidth + index * 220}" y="28" width="12" height="10" fill="${color}"/>` +
        `<text x="${labelWidth + index * 220 + 16}" y="37">${text}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<style>.small{font-size:10px;fill:#333}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>
${legend}
${rows.join('\n')}
</svg>
`;
}
