import { exported, metricNames, named, rules } from './monitoring-model';

/**
 * The alert rules and the dashboard, read statically. That every metric they
 * name is one a process really exports is checked against live scrapes in
 * production-build.int.test.ts, where the built apps run.
 */
test('every alert has an expression, a duration, a severity and a summary', () => {
  expect(rules.length).toBeGreaterThanOrEqual(6);
  for (const rule of rules) {
    expect({ alert: rule.alert, ok: Boolean(rule.expr && rule.for && rule.labels?.severity && rule.annotations?.summary) }).toEqual({ alert: rule.alert, ok: true });
    expect((rule.expr.match(/\(/g) ?? []).length).toBe((rule.expr.match(/\)/g) ?? []).length);
  }
});

test('the rules and the dashboard cover error rate, p99 latency, outbox lag, queue depth and flow, failed jobs and event-loop lag', () => {
  const all = named.map((n) => n.expr).join('\n');
  for (const signal of ['status=~"5.."', 'histogram_quantile(0.99', 'outbox_lag_seconds', 'outbox_pending_events', 'outbox_republished_jobs_total', 'bullmq_queue_jobs{state="waiting"}', 'queue_jobs_processed_total{outcome="failed"}', 'outcome="failed"', 'nodejs_eventloop_lag_p99_seconds']) {
    expect(all).toContain(signal);
  }
});

test('the metric-name extraction finds metrics and nothing else', () => {
  expect(metricNames('histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m]))) > 1.5e9')).toEqual(['http_request_duration_seconds_bucket']);
  expect(metricNames('sum(increase(media_jobs_total{outcome="failed"}[15m])) / clamp_min(sum(increase(media_jobs_total[15m])), 1)')).toEqual(['media_jobs_total']);
});

test('a name absent from a scrape is caught, a histogram series counts as its own', () => {
  const scrape = '# HELP outbox_lag_seconds x\n# TYPE outbox_lag_seconds gauge\n# TYPE http_request_duration_seconds histogram\n';
  expect(exported(scrape, 'outbox_lag_seconds')).toBe(true);
  expect(exported(scrape, 'http_request_duration_seconds_bucket')).toBe(true);
  expect(exported(scrape, 'bullmq_queue_waiting_jobs')).toBe(false);
});
