/**
 * A small bar chart in inline SVG (no chart library): one bar per label, value on top, labels under the bars.
 * The figures are also in a table next to it, so the chart is decoration for sighted users (role="img" + title).
 */
export function BarChart({ title, data, height = 160 }: { title: string; data: { label: string; value: number }[]; height?: number }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const barW = 28;
  const gap = 10;
  const top = 16;
  const bottom = 34;
  const width = Math.max(120, data.length * (barW + gap) + gap);
  const plot = height - top - bottom;
  return (
    <svg className="bar-chart" role="img" aria-label={title} width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid="bar-chart">
      <title>{title}</title>
      <line x1={0} y1={top + plot} x2={width} y2={top + plot} className="axis" />
      {data.map((d, i) => {
        const h = Math.round((d.value / max) * plot);
        const x = gap + i * (barW + gap);
        return (
          <g key={d.label}>
            <rect x={x} y={top + plot - h} width={barW} height={h} className="bar" />
            <text x={x + barW / 2} y={top + plot - h - 3} textAnchor="middle" className="value">{d.value}</text>
            <text x={x + barW / 2} y={top + plot + 14} textAnchor="middle" className="label">{d.label.length > 8 ? d.label.slice(-5) : d.label}</text>
          </g>
        );
      })}
    </svg>
  );
}
