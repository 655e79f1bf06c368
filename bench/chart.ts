export type ChartGroup = {
  label: string;
  service: number;
  baseline: number;
};

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A grouped horizontal bar chart (service vs baseline throughput per scenario and concurrency),
 * as a self-contained SVG so it renders on any Markdown viewer.
 */
export function throughputChart(title: string, groups: readonly ChartGroup[]): string {
  const rowHeight = 34;
  const labelWidth = 230;
  const barWidth = 520;
  const top = 48;
  const height = top + groups.length * rowHeight + 40;
  const width = labelWidth + barWidth + 150;
  const max = Math.max(1, ...groups.flatMap((g) => [g.service, g.baseline]));
  const scale = (value: number) => (value / max) * barWidth;
  const rows = groups.map((group, index) => {
    const y = top + index * rowHeight;
    const ratio =
      group.baseline > 0 ? `${Math.round((group.service / group.baseline) * 100)}%` : '';
    return [
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escape(group.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${scale(group.baseline).toFixed(1)}" height="12" fill="#9aa5b1"/>`,
      `<rect x="${labelWidth}" y="${y + 15}" width="${scale(group.service).toFixed(1)}" height="12" fill="#2f6fdb"/>`,
      `<text x="${labelWidth + scale(group.baseline) + 6}" y="${y + 12}" class="small">${Math.round(group.baseline)}/s</text>`,
      `<text x="${labelWidth + scale(group.service) + 6}" y="${y + 26}" class="small">${Math.round(group.service)}/s (${ratio})</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<style>.small{font-size:10px;fill:#333}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>
<rect x="${labelWidth}" y="28" width="12" height="10" fill="#9aa5b1"/><text x="${labelWidth + 16}" y="37">pgbench baseline (same SQL)</text>
<rect x="${labelWidth + 200}" y="28" width="12" height="10" fill="#2f6fdb"/><text x="${labelWidth + 216}" y="37">service over HTTP (ratio to baseline)</text>
${rows.join('\n')}
</svg>
`;
}
