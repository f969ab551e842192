// TSDB status: head, scrape targets, remote write queues, blocks, retention and disk, cardinality top lists,
// ingestion and rejection rates (computed from two readings of the storage counters).
import { nav, api, esc, formatBytes, formatTime, formatDuration, ago } from './common.js';

nav('/status');

const el = id => document.getElementById(id);
let last = null;

function kv(target, pairs) {
  el(target).innerHTML = pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
}

function top(target, list) {
  if (!list || !list.length) { el(target).innerHTML = '<div class="empty">–</div>'; return; }
  el(target).innerHTML = `<table class="data"><tbody>${list.map(e =>
    `<tr><td class="mono">${esc(e.name)}</td><td class="num">${Number(e.value).toLocaleString()}</td></tr>`).join('')}</tbody></table>`;
}

const num = v => (v === undefined || v === null ? '–' : Number(v).toLocaleString());

function targets(list) {
  if (!list.length) {
    el('targets').innerHTML = '<div class="empty">No scrape targets: Flink pushes need none; add static <code>scrape_configs</code> to <code>--config.file</code> to scrape node_exporter and the like.</div>';
    return;
  }
  const badge = h => `<span class="badge ${h === 'up' ? 'ok' : h === 'down' ? 'bad' : 'info'}">${esc(h.toUpperCase())}</span>`;
  const labels = l => Object.entries(l).map(([k, v]) => `${esc(k)}="${esc(v)}"`).join(', ');
  const seen = t => (t.lastScrape.startsWith('0001') ? 'never' : ago(Date.parse(t.lastScrape) / 1000));
  el('targets').innerHTML = `<table class="data"><thead><tr><th>Job</th><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th class="num">Duration</th><th>Error</th></tr></thead><tbody>${
    list.map(t => `<tr data-health="${esc(t.health)}"><td>${esc(t.scrapePool)}</td><td class="mono"><a href="${esc(t.scrapeUrl)}">${esc(t.scrapeUrl)}</a></td>
      <td>${badge(t.health)}</td><td class="mono">${labels(t.labels)}</td><td>${esc(seen(t))}</td>
      <td class="num">${(t.lastScrapeDuration * 1000).toFixed(1)} ms</td><td class="error-text">${esc(t.lastError)}</td></tr>`).join('')}</tbody></table>`;
}

function remoteWrite(list) {
  if (!list.length) {
    el('remote-write').innerHTML = '<div class="empty">No remote write: add <code>remote_write</code> to <code>--config.file</code> to send everything stored to Mimir, Thanos, VictoriaMetrics or a Prometheus.</div>';
    return;
  }
  el('remote-write').innerHTML = `<table class="data"><thead><tr><th>Name</th><th>Endpoint</th><th class="num">Shards (desired, min–max)</th><th class="num">Pending</th><th class="num">Sent (tries)</th><th class="num">Retried</th><th class="num">Failed</th><th class="num">Dropped</th><th>Sent up to</th><th class="num">Lag</th><th>Saved WAL position</th><th>Last error</th></tr></thead><tbody>${
    list.map(q => `<tr data-remote="${esc(q.name)}"><td>${esc(q.name)}</td><td class="mono">${esc(q.url)}</td>
      <td class="num">${q.shards} (${q.shardsDesired}, ${q.minShards}–${q.maxShards})</td>
      <td class="num">${num(q.pending)} / ${num(q.capacityPerShard * q.shards)}</td><td class="num">${num(q.samplesSent)}</td>
      <td class="num">${num(q.samplesRetried)}</td><td class="num">${num(q.samplesFailed)}</td><td class="num">${num(q.samplesDropped)}</td>
      <td>${q.highestSentSeconds ? esc(formatTime(q.highestSentSeconds)) : 'nothing yet'}</td>
      <td class="num">${q.highestSentSeconds ? q.lagSeconds.toFixed(1) + ' s' : '–'}</td><td class="mono">${esc(q.position || '–')}</td>
      <td class="error-text">${esc(q.lastError)}</td></tr>`).join('')}</tbody></table>`;
}

async function load() {
  el('error').hidden = true;
  try {
    const [tsdb, storage, runtime, scrape] = await Promise.all([
      api('/api/v1/status/tsdb', { limit: 10 }),
      api('/api/v1/status/storage').catch(() => ({ data: null })),
      api('/api/v1/status/runtimeinfo').catch(() => ({ data: {} })),
      api('/api/v1/targets', { state: 'active' }).catch(() => ({ data: { activeTargets: [] } })),
    ]);
    targets(scrape.data.activeTargets || []);
    api('/api/v1/status/remote_write').then(r => remoteWrite(r.data.queues || [])).catch(() => remoteWrite([]));
    const h = tsdb.data.headStats || {};
    kv('head', [
      ['Series', num(h.numSeries)], ['Chunks', num(h.chunkCount)], ['Label pairs', num(h.numLabelPairs)],
      ['Min time', formatTime((h.minTime || 0) / 1000)], ['Max time', formatTime((h.maxTime || 0) / 1000)],
    ]);
    top('top-metrics', tsdb.data.seriesCountByMetricName);
    top('top-labels', tsdb.data.labelValueCountByLabelName);
    top('top-pairs', tsdb.data.seriesCountByLabelValuePair);
    top('top-memory', tsdb.data.memoryInBytesByLabelName);
    const s = storage.data;
    if (s) {
      kv('storage', [
        ['Retention', s.retentionMs ? formatDuration(s.retentionMs / 1000) : (runtime.data.storageRetention || '–')],
        ['Size limit', s.retentionBytes ? formatBytes(s.retentionBytes) : 'off'],
        ['Disk used', formatBytes(s.diskBytes)], ['WAL replay at start', s.walReplayMs === undefined ? '–' : `${num(s.walReplayMs)} ms`], ['Blocks', num((s.blocks || []).length)],
        ['Compactions', num(s.compactions)], ['Blocks dropped by retention', num(s.retentionDeletions)],
      ]);
      const now = Date.now() / 1000;
      const rate = (a, b) => (last ? ((a - b) / (now - last.at)).toFixed(1) + '/s' : 'measuring…');
      const rej = Object.values(s.rejected || {}).reduce((a, b) => a + b, 0);
      kv('ingest', [
        ['Samples appended', num(s.samplesAppended)],
        ['Ingestion rate', rate(s.samplesAppended, last ? last.appended : 0)],
        ['Samples rejected', num(rej)],
        ['Rejection rate', rate(rej, last ? last.rejected : 0)],
        ...Object.entries(s.rejected || {}).map(([k, v]) => [`  rejected: ${k}`, num(v)]),
      ]);
      last = { at: now, appended: s.samplesAppended, rejected: rej };
      const blocks = (s.blocks || []).slice().sort((a, b) => b.minTime - a.minTime);
      el('blocks').innerHTML = blocks.length ? `<table class="data"><thead><tr><th>ULID</th><th>From</th><th>To</th><th>Span</th><th class="num">Level</th><th class="num">Series</th><th class="num">Samples</th><th class="num">Size</th><th class="num">Bytes/sample</th></tr></thead><tbody>${
        blocks.map(b => `<tr><td class="mono">${esc(b.ulid)}</td><td>${esc(formatTime(b.minTime / 1000))}</td><td>${esc(formatTime(b.maxTime / 1000))}</td>
          <td>${esc(formatDuration((b.maxTime - b.minTime) / 1000))}</td><td class="num">${b.level}</td><td class="num">${num(b.numSeries)}</td>
          <td class="num">${num(b.numSamples)}</td><td class="num">${formatBytes(b.bytes)}</td>
          <td class="num">${b.numSamples ? (b.bytes / b.numSamples).toFixed(2) : '–'}</td></tr>`).join('')}</tbody></table>`
        : '<div class="empty">No blocks yet: the head is cut into a block once it spans more than the block range (2 h).</div>';
    } else {
      kv('storage', [['Retention', runtime.data.storageRetention || '–']]);
    }
  } catch (e) {
    el('error').textContent = e.message;
    el('error').hidden = false;
  }
}

load();
setInterval(load, 10000);
