/** One hour of the overview as the API reports it. */
export interface HourCounts {
  hour: string;
  succeeded: number;
  failed: number;
  pending: number;
  held: number;
}

export interface ChartBar {
  /** Start of the hour (epoch ms). */
  start: number;
  succeeded: number;
  /** Failed, pending and held: everything that has not (yet) arrived. */
  other: number;
  x: number;
  width: number;
  /** Heights and tops in chart units; the succeeded part sits on the baseline, the rest on top of it. */
  succeededY: number;
  succeededHeight: number;
  otherY: number;
  otherHeight: number;
}

const HOUR = 3_600_000;

/**
 * The last `hours` hours ending with the current one, oldest first, every hour present (zero where the API
 * reported none), scaled into a chart of `width` × `height` with `gap` between bars.
 */
export function hourlyBars(hourly: readonly HourCounts[], now: number, { hours = 24, width = 720, height = 160, gap = 2 } = {}): ChartBar[] {
  const current = Math.floor(now / HOUR) * HOUR;
  const byHour = new Map(hourly.map((h) => [Math.floor(Date.parse(h.hour) / HOUR) * HOUR, h]));
  const slots = Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * HOUR);
  const counts = slots.map((start) => {
    const h = byHour.get(start);
    return { start, succeeded: h?.succeeded ?? 0, other: h ? h.failed + h.pending + h.held : 0 };
  });
  const max = Math.max(1, ...counts.map((c) => c.succeeded + c.other));
  const slot = width / hours;
  return counts.map((c, i) => {
    const succeededHeight = (c.succeeded / max) * height;
    const otherHeight = (c.other / max) * height;
    return { ...c, x: i * slot + gap / 2, width: Math.max(1, slot - gap), succeededY: height - succeededHeight, succeededHeight, otherY: height - succeededHeight - otherHeight, otherHeight };
  });
}

/** "97.5 %", or an em dash when nothing finished. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(Math.floor(rate * 1000) / 10).toString()} %`;
}

/** Share of finished deliveries that arrived; null before any finished. */
export function successRateOf(stats: { succeeded: number; failed: number } | undefined): number | null {
  if (!stats || stats.succeeded + stats.failed === 0) return null;
  return stats.succeeded / (stats.succeeded + stats.failed);
}
