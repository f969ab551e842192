// Push groups, like Pushgateway's status page: labels, last push and last failed push, series
// count, state; delete with confirmation.
import { nav, api, esc, ago, formatTime, urlParams, rel } from './common.js';

nav('/push');

const PAGE = 50;
const el = id => document.getElementById(id);
let page = 0;

/** Path of a group: /metrics/job/<job>{/<name>/<value>}, base64 where a value needs it. */
export function groupPath(labels) {
  const enc = (name, v) => {
    if (v === '' || v.includes('/')) {
      const b64 = btoa(unescape(encodeURIComponent(v))).replace(/\+/g, '-').replace(/\//g, '_');
      return `${name}@base64/${b64 || '='}`;
    }
    return `${name}/${encodeURIComponent(v)}`;
  };
  let p = '/metrics/' + enc('job', labels.job || '');
  for (const k of Object.keys(labels).sort()) if (k !== 'job') p += '/' + enc(k, labels[k]);
  return p;
}

/** Fetches one page of groups; filtering and paging happen on the server (100,000 series stay fast). */
async function load() {
  el('error').hidden = true;
  try {
    const { data } = await api('/api/v1/push/groups', { filter: el('filter').value.trim(), offset: page * PAGE, limit: PAGE });
    if (data.groups.length === 0 && page > 0 && data.matched > 0) {
      page = Math.floor((data.matched - 1) / PAGE);
      return load();
    }
    render(data);
  } catch (e) {
    el('error').textContent = e.message;
    el('error').hidden = false;
  }
}

function render(data) {
  const pages = Math.max(1, Math.ceil(data.matched / PAGE));
  el('summary').textContent = `${data.matched} of ${data.total} group(s)`;
  el('page').textContent = `page ${page + 1} of ${pages}`;
  el('prev').disabled = page === 0;
  el('next').disabled = page >= pages - 1;
  const slice = data.groups;
  if (!slice.length) {
    el('groups').innerHTML = `<div class="empty">${data.total ? 'No group matches the filter.' : 'No push groups yet. Point Flink\'s PrometheusPushGatewayReporter at this host, port 9091.'}</div>`;
    return;
  }
  const badge = s => s === 'ok' ? '<span class="badge ok">ok</span>' : s === 'failed' ? '<span class="badge bad">last push failed</span>' : '<span class="badge warn">expired</span>';
  el('groups').innerHTML = `<table class="data"><thead><tr><th>Group</th><th>State</th><th>Last push</th><th>Last failed push</th><th class="num">Families</th><th class="num">Series</th><th></th></tr></thead><tbody>${
    slice.map((g, i) => `<tr data-i="${i}">
      <td class="mono">${Object.entries(g.labels).map(([k, v]) => `${esc(k)}="${esc(v)}"`).join(', ')}</td>
      <td>${badge(g.state)}</td>
      <td title="${esc(formatTime(g.lastPushTime))}">${esc(ago(g.lastPushTime))}</td>
      <td title="${esc(formatTime(g.lastFailureTime))}">${g.lastFailureTime ? esc(ago(g.lastFailureTime)) : '–'}</td>
      <td class="num">${g.families}</td><td class="num">${g.series.toLocaleString()}</td>
      <td><button class="danger delete">Delete</button></td></tr>`).join('')}</tbody></table>`;
  el('groups').querySelectorAll('button.delete').forEach(b => b.addEventListener('click', async () => {
    const g = slice[Number(b.closest('tr').dataset.i)];
    const name = Object.entries(g.labels).map(([k, v]) => `${k}="${v}"`).join(', ');
    if (!confirm(`Delete push group {${name}}?\nIts series get a staleness marker and disappear from dashboards.`)) return;
    const resp = await fetch(rel(groupPath(g.labels)), { method: 'DELETE' });
    if (!resp.ok && resp.status !== 202) {
      el('error').textContent = `Delete failed: ${resp.status} ${await resp.text()}`;
      el('error').hidden = false;
    }
    await load();
  }));
}

el('filter').value = urlParams().get('filter') || '';
let typing = null;
el('filter').addEventListener('input', () => {
  page = 0;
  const p = new URLSearchParams(location.search);
  if (el('filter').value) p.set('filter', el('filter').value); else p.delete('filter');
  history.replaceState(null, '', `${location.pathname}${p.toString() ? '?' + p : ''}`);
  clearTimeout(typing);
  typing = setTimeout(load, 200);
});
el('refresh').addEventListener('click', load);
el('prev').addEventListener('click', () => { page--; load(); });
el('next').addEventListener('click', () => { page++; load(); });
load();
setInterval(load, 15000);
