// Alerts: every alerting rule with its firing and pending alerts (labels, annotations, active
// since, value), grouped by rule and filtered by state. Read only: nothing is silenced here.
import { nav, api, esc, formatTime, ago, formatValue, formatDuration, labelChips, queryLink, urlParams } from './common.js';

nav('/alerts');

const el = id => document.getElementById(id);
const STATES = ['firing', 'pending', 'inactive'];
const BADGE = { firing: 'bad', pending: 'warn', inactive: 'ok' };
const badge = s => `<span class="badge ${BADGE[s] || 'info'}">${esc(s.toUpperCase())}</span>`;

function shown() {
  return new Set([...document.querySelectorAll('.state-filter')].filter(c => c.checked).map(c => c.value));
}

function annotations(a) {
  const keys = Object.keys(a || {}).sort();
  if (!keys.length) return '<span class="muted">–</span>';
  return `<dl class="annotations">${keys.map(k => `<dt>${esc(k)}</dt><dd>${esc(a[k])}</dd>`).join('')}</dl>`;
}

function since(t) {
  const sec = Date.parse(t) / 1000;
  return `${esc(formatTime(sec))}<br><span class="muted">${esc(ago(sec))}</span>`;
}

function ruleCard(r) {
  const alerts = (r.alerts || []).slice().sort((a, b) => (a.state === b.state ? Date.parse(a.activeAt) - Date.parse(b.activeAt) : a.state === 'firing' ? -1 : 1));
  const rows = alerts.map(a => `<tr class="alert" data-state="${esc(a.state)}"><td>${labelChips(a.labels, ['alertname'])}</td>
    <td>${badge(a.state)}</td><td>${since(a.activeAt)}</td><td class="num mono">${esc(formatValue(a.value))}</td>
    <td>${annotations(a.annotations)}</td></tr>`).join('');
  const extra = [r.duration ? `for ${formatDuration(r.duration)}` : "", r.keepFiringFor ? `keep firing for ${formatDuration(r.keepFiringFor)}` : ""].filter(x => x).join(', ');
  return `<section class="panel alert-rule" data-rule="${esc(r.name)}" data-state="${esc(r.state)}">
    <div class="card-title"><span>${badge(r.state)} <span class="rule-name">${esc(r.name)}</span> <span class="muted">(${alerts.length} active)</span></span>
      <a href="${esc(queryLink(r.query))}">open in query</a></div>
    <pre class="expr">${esc(r.query)}</pre>
    <div class="muted">${esc(r.groupName)} · ${esc(r.file)}${extra ? ' · ' + esc(extra) : ''} ${labelChips(r.labels)}</div>
    ${alerts.length ? `<table class="data"><thead><tr><th>Labels</th><th>State</th><th>Active since</th><th class="num">Value</th><th>Annotations</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
  </section>`;
}

let rules = [];

function render() {
  const want = shown();
  const counts = { firing: 0, pending: 0, inactive: 0 };
  rules.forEach(r => { counts[r.state] = (counts[r.state] || 0) + 1; });
  STATES.forEach(s => { el(`count-${s}`).textContent = counts[s]; });
  const list = rules.filter(r => want.has(r.state));
  el('alerts').innerHTML = list.length ? list.map(ruleCard).join('')
    : `<div class="panel empty">${rules.length ? 'No alerting rule is in the chosen states.' : 'No alerting rules loaded: list rule files under <code>rule_files</code> in <code>--config.file</code>.'}</div>`;
}

async function load() {
  el('error').hidden = true;
  try {
    const { data } = await api('/api/v1/rules', { type: 'alert' });
    const order = { firing: 0, pending: 1, inactive: 2 };
    rules = data.groups.flatMap(g => g.rules.map(r => ({ ...r, groupName: g.name, file: g.file })))
      .sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
    render();
  } catch (e) {
    el('error').textContent = e.message;
    el('error').hidden = false;
  }
}

// The state filter lives in the URL (?state=firing&state=pending) so a view can be linked.
const initial = urlParams().getAll('state');
if (initial.length) document.querySelectorAll('.state-filter').forEach(c => { c.checked = initial.includes(c.value); });
document.querySelectorAll('.state-filter').forEach(c => c.addEventListener('change', () => {
  const p = new URLSearchParams();
  shown().forEach(s => p.append('state', s));
  history.replaceState(null, '', `${location.pathname}?${p}`);
  render();
}));
el('refresh').addEventListener('click', load);
load();
setInterval(load, 15000);
