import { parser } from '@prometheus-io/lezer-promql';
import { allMetricCatalogs, exposedSeries, type MetricDef } from '../../src/monitoring/metrics/index.js';

/** Labels Prometheus (with the Prometheus Operator's scrape configs) attaches to every scraped series. */
const SCRAPE_LABELS = new Set(['namespace', 'pod', 'container', 'service', 'endpoint', 'job', 'instance', '__name__']);

const series = new Map<string, MetricDef>();
for (const c of allMetricCatalogs) for (const m of c.metrics) for (const s of exposedSeries(m)) series.set(s, m);

export interface PromqlProblem {
  expr: string;
  problem: string;
}

/**
 * Parses an expression with Prometheus' own grammar (lezer-promql) and checks every metric it
 * selects against the catalogs: the name must exist at the pinned version, and every label it
 * matches on must be one the metric carries (or a scrape label). Grouping labels are checked when
 * the aggregation's argument selects exactly one metric.
 */
export function checkPromql(expr: string): PromqlProblem[] {
  const problems: PromqlProblem[] = [];
  const tree = parser.parse(expr);
  const text = (from: number, to: number) => expr.slice(from, to);
  const cursor = tree.cursor();
  const selectors: { name: string; from: number; to: number; labels: string[] }[] = [];
  do {
    if (cursor.type.isError) problems.push({ expr, problem: `syntax error at offset ${cursor.from}: "${text(cursor.from, Math.min(expr.length, cursor.from + 20))}"` });
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const ident = node.getChild('Identifier');
      const labels: string[] = [];
      const matchers = node.getChild('LabelMatchers');
      if (matchers) {
        const inner = matchers.cursor();
        do if (inner.name === 'LabelName') labels.push(text(inner.from, inner.to)); while (inner.next() && inner.from < matchers.to);
      }
      selectors.push({ name: ident ? text(ident.from, ident.to) : '', from: node.from, to: node.to, labels });
    }
  } while (cursor.next());
  for (const s of selectors) {
    if (!s.name) {
      problems.push({ expr, problem: 'a selector without a metric name' });
      continue;
    }
    const metric = series.get(s.name);
    if (!metric) {
      problems.push({ expr, problem: `no component exposes ${s.name} at its pinned version` });
      continue;
    }
    for (const l of s.labels) {
      if (l === 'le' && s.name.endsWith('_bucket')) continue;
      if (!SCRAPE_LABELS.has(l) && !metric.labels.includes(l)) problems.push({ expr, problem: `${s.name} has no label "${l}" (it has: ${metric.labels.join(', ') || 'none'})` });
    }
  }
  checkGrouping(expr, tree, problems);
  return problems;
}

/** `sum by (x) (<one metric>)`: x must be a label of that metric (or le for buckets, or a scrape label). */
function checkGrouping(expr: string, tree: ReturnType<typeof parser.parse>, problems: PromqlProblem[]): void {
  const cursor = tree.cursor();
  do {
    if (cursor.name !== 'AggregateExpr') continue;
    const node = cursor.node;
    const grouping = node.getChild('AggregateModifier')?.getChild('GroupingLabels');
    const body = node.getChild('FunctionCallBody');
    if (!grouping || !body) continue;
    const names = new Set<string>();
    const inner = body.cursor();
    do if (inner.name === 'VectorSelector') {
      const id = inner.node.getChild('Identifier');
      if (id) names.add(expr.slice(id.from, id.to));
    } while (inner.next() && inner.from < body.to);
    if (names.size !== 1) continue;
    const [name] = names;
    const metric = series.get(name);
    if (!metric) continue;
    const g = grouping.cursor();
    do if (g.name === 'LabelName') {
      const l = expr.slice(g.from, g.to);
      if (l === 'le' && name.endsWith('_bucket')) continue;
      if (!SCRAPE_LABELS.has(l) && !metric.labels.includes(l)) problems.push({ expr, problem: `grouping by "${l}", which ${name} does not carry (it has: ${metric.labels.join(', ') || 'none'})` });
    } while (g.next() && g.from < grouping.to);
  } while (cursor.next());
}
