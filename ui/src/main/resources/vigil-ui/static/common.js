// Shared helpers for Vigil's pages: navigation, API calls, formatting, durations.

export function nav(active) {
  const items = [['/', 'Query'], ['/flink', 'Flink'], ['/alerts', 'Alerts'], ['/rules', 'Rules'], ['/push', 'Push groups'],
    ['/status', 'TSDB status']];
  const h = document.createElement('header');
  h.className = 'nav';
  // Links are relative to the page's <base>, which the server sets to --web.external-url's path.
  h.innerHTML = '<a class="brand" href="./">VIGIL</a>' + items.map(([href, label]) =>
    `<a class="item${href === active ? ' active' : ''}" href="${rel(href)}">${label}</a>`).join('');
  document.body.prepend(h);
}

/** A root path ('/api/v1/query') as a link relative to the page's <base>, so pages work under a route prefix. */
export function rel(path) {
  return path.startsWith('/') ? '.' + path : path;
}

/** Calls a Prometheus-style API endpoint; resolves to {data, warnings} or throws Error(message). */
export async function api(path, params = {}, opts = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach(x => body.append(k, x)); else if (v !== undefined && v !== null && v !== '') body.append(k, v);
  }
  let resp;
  if (opts.method === 'POST') {
    resp = await fetch(rel(path), { method: 'POST', body, signal: opts.signal });
  } else {
    const qs = body.toString();
    resp = await fetch(qs ? `${rel(path)}?${qs}` : rel(path), { signal: opts.signal });
  }
  const text = await resp.text();
  let json;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`${resp.status} ${resp.statusText}: ${text.trim()}`); }
  if (json.status !== 'success') throw new Error(json.errorType ? `${json.errorType}: ${json.error}` : (json.error || 'request failed'));
  return { data: json.data, warnings: json.warnings || [] };
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Prometheus notation of a label set: name{a="1", b="2"}. */
export function seriesName(metric) {
  const name = metric.__name__ || '';
  const rest = Object.keys(metric).filter(k => k !== '__name__').sort()
    .map(k => `${k}="${String(metric[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${name}{${rest.join(', ')}}`;
}

const UNITS = [['y', 365 * 86400], ['w', 7 * 86400], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];

/** Parses a Prometheus duration (1h30m, 15s, 500ms) or plain seconds into seconds. */
export function parseDuration(s) {
  s = String(s).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseFloat(s);
  const re = /(\d+)(ms|y|w|d|h|m|s)/g;
  let total = 0, m, consumed = 0;
  while ((m = re.exec(s)) !== null) {
    total += m[2] === 'ms' ? parseInt(m[1], 10) / 1000 : parseInt(m[1], 10) * UNITS.find(u => u[0] === m[2])[1];
    consumed += m[0].length;
  }
  if (consumed !== s.length || consumed === 0) throw new Error(`invalid duration "${s}"`);
  return total;
}

export function formatDuration(sec) {
  if (sec === 0) return '0s';
  let out = '';
  let rest = Math.round(sec);
  // Weeks are valid input but read badly in output (180d, not 25w5d).
  for (const [u, n] of UNITS.filter(x => x[0] !== 'w')) {
    if (rest >= n) { out += Math.floor(rest / n) + u; rest %= n; }
  }
  return out || `${Math.round(sec * 1000)}ms`;
}

export function formatValue(v) {
  if (typeof v === 'string') v = Number(v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e15 || a < 1e-4)) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Compact axis labels: 470M, 1.2k, 0.05; keeps tick labels narrow for Flink's byte gauges. */
export function formatAxis(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return formatValue(v);
  const a = Math.abs(v);
  const si = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [n, u] of si) {
    if (a >= n) return `${Number((v / n).toPrecision(3))}${u}`;
  }
  return String(Number(v.toPrecision(3)));
}

export function formatBytes(b) {
  if (b === undefined || b === null || Number.isNaN(b)) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return `${i === 0 ? b : b.toFixed(1)} ${u[i]}`;
}

export function formatTime(sec) {
  if (!sec) return '–';
  const d = new Date(sec * 1000);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function ago(sec) {
  if (!sec) return '–';
  const d = Date.now() / 1000 - sec;
  return d < 0 ? 'in the future' : `${formatDuration(Math.max(1, d))} ago`;
}

/** Query string of this page's URL as a Map; values are strings. */
export function urlParams() {
  return new URLSearchParams(location.search);
}

/** Step that keeps a graph near `points` points, rounded to a whole second, at least 1 s. */
export function autoStep(rangeSec, points = 250) {
  return Math.max(1, Math.round(rangeSec / points));
}

export function queryLink(expr, range = '1h') {
  const p = new URLSearchParams({ 'g0.expr': expr, 'g0.tab': 'graph', 'g0.range': range });
  return `./?${p.toString()}`;
}

/**
 * A task or operator name as Flink shows it, from the reporter's sanitised label value.
 *
 * The reporter (filterLabelValueCharacters, on by default) turns every character outside
 * [a-zA-Z0-9:_] into "_", one for one. Flink joins chained operators with " -> ", which thus
 * becomes "____"; spaces become "_". So "____" reads back as " -> " and any other "_" as a space:
 * "Source:_Rate_Source____Key_Map" -> "Source: Rate Source -> Key Map".
 * The mapping is lossy, so this is a best effort: a real underscore in a name also shows as a
 * space, other punctuation ("(", ",", "-", ".", "[") shows as a space too, and four replaced
 * characters in a row that were not " -> " show as an arrow. Flink also cuts operator names at
 * 80 characters before the reporter sees them. Queries must keep using the label value itself.
 */
export function flinkName(label) {
  if (label === undefined || label === null) return label;
  return String(label).split('____').map(part => part.replace(/_/g, ' ')).join(' -> ');
}

/** A label set as `name="value"` chips, for tables. */
export function labelChips(labels, skip = []) {
  return Object.keys(labels || {}).filter(k => !skip.includes(k)).sort()
    .map(k => `<span class="label">${esc(k)}="${esc(labels[k])}"</span>`).join(' ');
}
