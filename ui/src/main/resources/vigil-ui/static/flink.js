// Flink overview from the stored reporter metrics alone: jobs and their state, per job the
// tasks and operators (throughput, backpressure, busy/idle, watermark lag, checkpoints), per
// TaskManager heap, GC and CPU. Every chart links to its PromQL on the query page.
import { nav, api, esc, formatValue, formatDuration, parseDuration, urlParams, autoStep, queryLink, flinkName } from './common.js';
import { drawMatrix } from './chart.js';

nav('/flink');

const el = id => document.getElementById(id);
const sel = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** The charts of one job; `J` is the job_name matcher. */
function jobCharts(job) {
  const J = `job_name="${sel(job)}"`;
  return [
    ['Records in per second, by task', `sum by (task_name) (flink_taskmanager_job_task_numRecordsInPerSecond{${J}})`, 'task_name'],
    ['Records out per second, by task', `sum by (task_name) (flink_taskmanager_job_task_numRecordsOutPerSecond{${J}})`, 'task_name'],
    ['Records in per second, by operator', `sum by (operator_name) (flink_taskmanager_job_task_operator_numRecordsInPerSecond{${J}})`, 'operator_name'],
    ['Records out per second, by operator', `sum by (operator_name) (flink_taskmanager_job_task_operator_numRecordsOutPerSecond{${J}})`, 'operator_name'],
    ['Backpressured time (ms/s), worst subtask', `max by (task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${J}})`, 'task_name'],
    ['Busy time (ms/s), worst subtask', `max by (task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{${J}})`, 'task_name'],
    ['Idle time (ms/s), least idle subtask', `min by (task_name) (flink_taskmanager_job_task_idleTimeMsPerSecond{${J}})`, 'task_name'],
    ['Watermark lag (ms), by task', `max by (task_name) (timestamp(flink_taskmanager_job_task_operator_currentOutputWatermark{${J}}) * 1000 - (flink_taskmanager_job_task_operator_currentOutputWatermark{${J}} > 0))`, 'task_name'],
    ['Last checkpoint duration (ms)', `max by (job_name) (flink_jobmanager_job_lastCheckpointDuration{${J}})`, 'job_name'],
    ['Last checkpoint size (bytes)', `max by (job_name) (flink_jobmanager_job_lastCheckpointSize{${J}})`, 'job_name'],
  ];
}

const TM_CHARTS = [
  ['Heap used (bytes)', 'max by (tm_id) (flink_taskmanager_Status_JVM_Memory_Heap_Used)', 'tm_id'],
  ['GC time (ms/s)', 'max by (tm_id) (flink_taskmanager_Status_JVM_GarbageCollector_All_TimeMsPerSecond)', 'tm_id'],
  ['CPU load', 'max by (tm_id) (flink_taskmanager_Status_JVM_CPU_Load)', 'tm_id'],
];

function range() {
  return el('range').value;
}

// Task and operator names are shown as Flink writes them; the PromQL keeps the label value.
const readable = (label, value) => (label === 'task_name' || label === 'operator_name' ? flinkName(value) : value);

async function chart(target, [title, expr, legend]) {
  const card = document.createElement('section');
  card.className = 'panel flink-chart';
  card.innerHTML = `<div class="card-title"><span>${esc(title)}</span><a href="${esc(queryLink(expr, range()))}">open in query</a></div><div class="chart"></div>`;
  target.appendChild(card);
  const r = parseDuration(range());
  const end = Math.floor(Date.now() / 1000);
  const step = autoStep(r, 200);
  const start = end - r;
  try {
    const { data } = await api('/api/v1/query_range', { query: expr, start, end, step }, { method: 'POST' });
    drawMatrix(card.querySelector('.chart'), data.result, { start, end, step, height: 200, legendLabel: m => readable(legend, m[legend]) || Object.values(m).join(',') || title });
  } catch (e) {
    card.querySelector('.chart').innerHTML = `<div class="error">${esc(e.message)}</div>`;
  }
}

async function instant(expr) {
  const { data } = await api('/api/v1/query', { query: expr }, { method: 'POST' });
  return data.result;
}

/** Jobs seen by the JobManager or, failing that, by TaskManagers; with state and checkpoint figures. */
async function loadJobs() {
  const [jm, tm, restarting, failing, restarts, ckDone, ckFailed, ckDur] = await Promise.all([
    instant('max by (job_name, job_id) (flink_jobmanager_job_uptime)'),
    instant('count by (job_name, job_id) (flink_taskmanager_job_task_numRecordsIn)'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_restartingTime) > 0'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_failingTime) > 0'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_numRestarts)'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_numberOfCompletedCheckpoints)'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_numberOfFailedCheckpoints)'),
    instant('max by (job_name, job_id) (flink_jobmanager_job_lastCheckpointDuration)'),
  ]);
  const jobs = new Map();
  const key = m => `${m.job_name}\u0000${m.job_id}`;
  const get = m => {
    if (!jobs.has(key(m))) jobs.set(key(m), { name: m.job_name || '(unnamed)', id: m.job_id || '', state: 'RUNNING', tasks: 0 });
    return jobs.get(key(m));
  };
  jm.forEach(s => { get(s.metric).uptime = Number(s.value[1]); });
  tm.forEach(s => { get(s.metric).tasks = Number(s.value[1]); });
  restarting.forEach(s => { get(s.metric).state = 'RESTARTING'; });
  failing.forEach(s => { get(s.metric).state = 'FAILING'; });
  restarts.forEach(s => { get(s.metric).restarts = Number(s.value[1]); });
  ckDone.forEach(s => { get(s.metric).ckDone = Number(s.value[1]); });
  ckFailed.forEach(s => { get(s.metric).ckFailed = Number(s.value[1]); });
  ckDur.forEach(s => { get(s.metric).ckDur = Number(s.value[1]); });
  await markFiring(jobs);
  return [...jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Marks each job that a firing alert names by its job_name or job_id label. */
async function markFiring(jobs) {
  let alerts = [];
  try {
    alerts = (await api('/api/v1/alerts')).data.alerts.filter(a => a.state === 'firing');
  } catch (e) {
    return; // the overview stands without alerts
  }
  for (const j of jobs.values()) {
    j.firing = alerts.filter(a => (j.id && a.labels.job_id === j.id) || (j.name !== '(unnamed)' && a.labels.job_name === j.name))
      .map(a => a.labels.alertname);
  }
}

function firingMark(j) {
  if (!j.firing || !j.firing.length) return '';
  const names = [...new Set(j.firing)];
  return ` <a class="badge bad firing-mark" href="./alerts?state=firing" title="${esc(names.join(', '))}">${names.length === 1 ? esc(names[0]) : `${names.length} alerts`} firing</a>`;
}

function renderJobs(jobs, selected) {
  if (!jobs.length) {
    el('jobs').innerHTML = '<div class="empty">No Flink jobs reported in the last 5 minutes. Point the PrometheusPushGatewayReporter at this host, port 9091.</div>';
    return;
  }
  const badge = s => `<span class="badge ${s === 'RUNNING' ? 'ok' : 'bad'}">${s}</span>`;
  el('jobs').innerHTML = `<table class="data" id="jobs-table"><thead><tr><th>Job</th><th>Job ID</th><th>State</th><th>Uptime</th><th class="num">Subtasks</th><th class="num">Restarts</th><th class="num">Checkpoints ok / failed</th><th class="num">Last checkpoint</th></tr></thead><tbody>${
    jobs.map(j => `<tr class="job${j.name === selected ? ' selected' : ''}" data-firing="${j.firing && j.firing.length ? 'true' : 'false'}">
      <td><a href="flink?job=${encodeURIComponent(j.name)}&range=${encodeURIComponent(range())}">${esc(j.name)}</a>${firingMark(j)}</td>
      <td class="mono">${esc(j.id)}</td><td>${badge(j.state)}</td>
      <td>${j.uptime ? esc(formatDuration(j.uptime / 1000)) : '–'}</td><td class="num">${j.tasks || '–'}</td>
      <td class="num">${j.restarts ?? '–'}</td><td class="num">${j.ckDone ?? '–'} / ${j.ckFailed ?? '–'}</td>
      <td class="num">${j.ckDur !== undefined && j.ckDur >= 0 ? esc(formatValue(j.ckDur)) + ' ms' : '–'}</td></tr>`).join('')}</tbody></table>`;
}

async function render() {
  el('error').hidden = true;
  const p = urlParams();
  if (p.get('range')) el('range').value = p.get('range');
  try {
    const jobs = await loadJobs();
    const selected = p.get('job') || (jobs[0] && jobs[0].name);
    renderJobs(jobs, selected);
    const detail = el('job-detail');
    detail.innerHTML = '';
    if (selected) {
      detail.innerHTML = `<h2>Job ${esc(selected)}</h2><div class="grid" id="job-charts"></div>`;
      jobCharts(selected).forEach(c => chart(el('job-charts'), c));
    }
    el('tm-charts').innerHTML = '';
    TM_CHARTS.forEach(c => chart(el('tm-charts'), c));
  } catch (e) {
    el('error').textContent = e.message;
    el('error').hidden = false;
  }
}

el('range').addEventListener('change', () => {
  const p = urlParams();
  p.set('range', range());
  history.pushState(null, '', `${location.pathname}?${p}`);
  render();
});
el('refresh').addEventListener('click', render);
window.addEventListener('popstate', render);
render();
