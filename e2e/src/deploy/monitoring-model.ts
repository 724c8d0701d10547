import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support';

/** infra/monitoring's alert rules and dashboard, and the metric names their expressions use. */
const MONITORING = path.join(ROOT, 'infra/monitoring');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}
export const rules = (parse(readFileSync(path.join(MONITORING, 'prometheus/alerts.yml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(path.join(MONITORING, 'grafana/coachline.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

const PROMQL_WORDS = new Set(
  'sum min max avg count stddev stdvar topk bottomk quantile count_values group rate irate increase delta idelta deriv predict_linear histogram_quantile clamp clamp_min clamp_max abs ceil floor round exp ln log2 log10 sqrt absent absent_over_time avg_over_time max_over_time min_over_time sum_over_time count_over_time last_over_time time timestamp vector scalar label_replace label_join sort sort_desc and or unless bool offset'.split(' '),
);

/** Metric names in a PromQL expression: what is left once labels, strings, ranges, groupings, numbers and functions are taken out. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, '');
  return [...new Set((stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !PROMQL_WORDS.has(w)))];
}

/** True when a scrape declares the metric (a histogram's _bucket, _count and _sum series count as its own). */
export function exported(scrape: string, name: string): boolean {
  if (scrape.includes(`# TYPE ${name} `)) return true;
  const base = /^(.*)_(bucket|count|sum)$/.exec(name)?.[1];
  return Boolean(base && new RegExp(`^# TYPE ${base} (histogram|summary)$`, 'm').test(scrape));
}

export const named = [...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })), ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })))];

