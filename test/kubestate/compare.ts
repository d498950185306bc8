/**
 * Compares two text expositions the way the kube-state parity test needs: the same families in
 * the same order with the same HELP and TYPE lines, and, per metric name, the same series lines
 * byte for byte (as multisets: kube-state-metrics writes objects in map order, so the order of
 * series within a family is not compared).
 */

/** Parsed is an exposition split into its families and series lines. */
export interface Parsed {
  /** families are the HELP/TYPE headers in order. */
  families: { name: string; help: string; type: string }[];
  /** series are the series lines by metric name (sorted). */
  series: Map<string, string[]>;
  /** count is the number of series lines. */
  count: number;
}

/** parseExposition splits a text exposition (no validation beyond what the comparison needs). */
export function parseExposition(text: string): Parsed {
  const families: Parsed['families'] = [];
  const series = new Map<string, string[]>();
  let count = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      families.push({ name: rest.slice(0, sp), help: rest.slice(sp + 1), type: '' });
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      const f = families[families.length - 1];
      if (f !== undefined && f.name === name) f.type = type ?? '';
      else families.push({ name: name!, help: '', type: type ?? '' });
      continue;
    }
    if (line.startsWith('#')) continue;
    const end = line.search(/[{ ]/);
    const name = end < 0 ? line : line.slice(0, end);
    let l = series.get(name);
    if (l === undefined) series.set(name, (l = []));
    l.push(line);
    count++;
  }
  for (const l of series.values()) l.sort();
  return { families, series, count };
}

/** compareExpositions lists how actual differs from expected (empty when they are the same). */
export function compareExpositions(expected: string, actual: string, names: { expected: string; actual: string } = { expected: 'kube-state-metrics', actual: 'vigil' }): string[] {
  const e = parseExposition(expected);
  const a = parseExposition(actual);
  const out: string[] = [];
  const eOrder = e.families.map((f) => f.name);
  const aOrder = a.families.map((f) => f.name);
  const aByName = new Map(a.families.map((f) => [f.name, f]));
  for (const f of e.families) {
    const g = aByName.get(f.name);
    if (g === undefined) out.push(`family ${f.name}: only in ${names.expected}`);
    else {
      if (g.help !== f.help) out.push(`family ${f.name}: HELP ${JSON.stringify(f.help)} in ${names.expected}, ${JSON.stringify(g.help)} in ${names.actual}`);
      if (g.type !== f.type) out.push(`family ${f.name}: TYPE ${f.type} in ${names.expected}, ${g.type} in ${names.actual}`);
    }
  }
  const eNames = new Set(eOrder);
  for (const f of a.families) if (!eNames.has(f.name)) out.push(`family ${f.name}: only in ${names.actual}`);
  const common = eOrder.filter((n) => aByName.has(n));
  const commonA = aOrder.filter((n) => eNames.has(n));
  if (common.join() !== commonA.join()) out.push(`family order differs: ${names.expected} ${common.join(',')}; ${names.actual} ${commonA.join(',')}`);
  for (const name of new Set([...e.series.keys(), ...a.series.keys()])) {
    const el = e.series.get(name) ?? [];
    const al = a.series.get(name) ?? [];
    let i = 0;
    let j = 0;
    while (i < el.length || j < al.length) {
      if (j >= al.length || (i < el.length && el[i]! < al[j]!)) out.push(`only in ${names.expected}: ${el[i++]}`);
      else if (i >= el.length || al[j]! < el[i]!) out.push(`only in ${names.actual}: ${al[j++]}`);
      else {
        i++;
        j++;
      }
    }
  }
  return out;
}
