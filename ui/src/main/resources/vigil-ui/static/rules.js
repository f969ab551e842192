// Rules: every rule group and rule with its health, last error, last evaluation and how long it
// took, and the rule's expression (linked to the query page).
import { nav, api, esc, formatTime, ago, formatDuration, labelChips, queryLink, urlParams } from './common.js';

nav('/rules');

const el = id => document.getElementById(id);
const HEALTH = { ok: 'ok', err: 'bad', unknown: 'info' };
const badge = h => `<span class="badge ${HEALTH[h] || 'info'}">${esc(h)}</span>`;

function evaluated(t) {
  const sec = Date.parse(t) / 1000;
  return sec > 0 ? `${esc(ago(sec))}<br><span class="muted">${esc(formatTime(sec))}</span>` : '<span class="muted">never</span>';
}

const ms = s => `${(s * 1000).toFixed(s * 1000 < 10 ? 2 : 1)} ms`;

function ruleRow(r) {
  const kind = r.type === 'alerting' ? `alert: ${esc(r.name)}` : `record: ${esc(r.name)}`;
  const extra = r.type === 'alerting' && r.duration ? `<div class="muted">for: ${esc(formatDuration(r.duration))}</div>` : '';
  const ann = r.type === 'alerting' ? Object.entries(r.annotations || {}).sort()
    .map(([k, v]) => `<div class="muted">${esc(k)}: ${esc(v)}</div>`).join('') : '';
  return `<tr class="rule" data-rule="${esc(r.name)}" data-health="${esc(r.health)}">
    <td><div class="mono rule-name">${kind}</div><pre class="expr"><a href="${esc(queryLink(r.query))}">${esc(r.query)}</a></pre>${extra}
      <div>${labelChips(r.labels)}</div>${ann}</td>
    <td>${badge(r.health)}</td><td class="error-text last-error">${esc(r.lastError || '')}</td>
    <td class="when">${evaluated(r.lastEvaluation)}</td><td class="num">${ms(r.evaluationTime)}</td></tr>`;
}

function groupCard(g) {
  return `<section class="panel rule-group" data-group="${esc(g.name)}">
    <h2><span>${esc(g.name)}</span><span class="muted mono">${esc(g.file)}</span><span class="muted">every ${esc(formatDuration(g.interval))}</span>
      <span class="muted grow">last run ${esc(ago(Date.parse(g.lastEvaluation) / 1000))}, took ${esc(ms(g.evaluationTime))}</span></h2>
    <table class="data"><thead><tr><th>Rule</th><th>Health</th><th>Last error</th><th>Last evaluation</th><th class="num">Duration</th></tr></thead>
    <tbody>${g.rules.map(ruleRow).join('')}</tbody></table></section>`;
}

async function load() {
  el('error').hidden = true;
  try {
    const { data } = await api('/api/v1/rules', { type: el('type').value });
    const groups = data.groups.filter(g => g.rules.length);
    el('groups').innerHTML = groups.length ? groups.map(groupCard).join('')
      : '<div class="panel empty">No rules loaded: list rule files under <code>rule_files</code> in <code>--config.file</code>.</div>';
  } catch (e) {
    el('error').textContent = e.message;
    el('error').hidden = false;
  }
}

const type = urlParams().get('type');
if (type) el('type').value = type;
el('type').addEventListener('change', () => {
  history.replaceState(null, '', el('type').value ? `${location.pathname}?type=${el('type').value}` : location.pathname);
  load();
});
el('refresh').addEventListener('click', load);
load();
setInterval(load, 15000);
