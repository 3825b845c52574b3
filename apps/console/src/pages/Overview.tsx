import { api, data } from '../api/client';
import { hourlyBars, percent, type HourCounts } from '../logic/chart';
import { formatHour } from '../logic/format';
import { Badge, Empty, Notice, Time, useLoad } from '../ui';

const WIDTH = 720;
const HEIGHT = 160;

/** Deliveries per hour over the last 24 h: what arrived in the accent colour, the rest stacked on top. */
function DeliveryChart({ hourly }: { hourly: HourCounts[] }) {
  const bars = hourlyBars(hourly, Date.now(), { width: WIDTH, height: HEIGHT });
  const total = bars.reduce((sum, b) => sum + b.succeeded + b.other, 0);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 2}`} role="img" aria-label={`Deliveries per hour over the last 24 hours: ${total} in all`}>
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="axis" />
        {bars.map((bar) => (
          <g key={bar.start}>
            <title>{`${formatHour(bar.start)}: ${bar.succeeded} delivered, ${bar.other} failed, pending or held`}</title>
            <rect x={bar.x} y={bar.succeededY} width={bar.width} height={bar.succeededHeight} className="ok" />
            <rect x={bar.x} y={bar.otherY} width={bar.width} height={bar.otherHeight} className="bad" />
          </g>
        ))}
      </svg>
      {/* Hour labels as HTML, so they stay readable however far the chart is scaled down. */}
      <div className="ticks" aria-hidden="true">
        {bars
          .filter((_, i) => i % 6 === 0 || i === bars.length - 1)
          .map((bar) => (
            <span key={bar.start}>{formatHour(bar.start)}</span>
          ))}
      </div>
      <figcaption>
        <span className="key ok">delivered</span> <span className="key bad">failed, pending or held</span>
      </figcaption>
    </figure>
  );
}

export function OverviewPage() {
  const overview = useLoad(() => data(api.GET('/api/v1/overview')), []);
  const webhooks = useLoad(() => data(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } } })), []);
  const o = overview.data;
  const attention = (webhooks.data?.data ?? []).filter((w) => w.paused || !w.enabled || w.consecutive_failures > 0);
  return (
    <>
      <h1>Overview</h1>
      {overview.error && <Notice>{overview.error}</Notice>}
      {o && (
        <>
          <dl className="stats">
            <div>
              <dt>Deliveries, 24 h</dt>
              <dd>{o.totals.succeeded + o.totals.failed + o.totals.pending + o.totals.held}</dd>
            </div>
            <div>
              <dt>Success rate</dt>
              <dd>{percent(o.totals.success_rate)}</dd>
            </div>
            <div>
              <dt>Failed, 24 h</dt>
              <dd>{o.totals.failed}</dd>
            </div>
            <div>
              <dt>Held now</dt>
              <dd>{o.held_now}</dd>
            </div>
          </dl>
          <section aria-labelledby="chart-title">
            <h2 id="chart-title">Last 24 hours</h2>
            <DeliveryChart hourly={o.hourly} />
          </section>
        </>
      )}
      <section aria-labelledby="attention-title">
        <h2 id="attention-title">Needs attention</h2>
        {webhooks.data && attention.length === 0 && (
          <Empty title="Every webhook is active and delivering.">
            <p>
              Paused, disabled or failing endpoints appear here. <a href="#/webhooks">See all webhooks</a>.
            </p>
          </Empty>
        )}
        {attention.length > 0 && (
          <ul className="cards">
            {attention.map((w) => (
              <li key={w.id}>
                <a href={`#/webhooks/${encodeURIComponent(w.id)}`} className="url">
                  {w.url}
                </a>
                <div>
                  {w.paused ? <Badge tone="bad">paused</Badge> : !w.enabled ? <Badge tone="muted">disabled</Badge> : <Badge tone="warn">failing</Badge>}{' '}
                  {w.consecutive_failures} failed in a row{w.paused_at && <> · paused <Time iso={w.paused_at} /></>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
