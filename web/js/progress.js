// Section 3: a run's live progress from GET /api/v1/runs/{id}/events (SSE read through fetch so
// the bearer token goes along), with Last-Event-ID reconnects and a cancel button.
import { ApiError, detailText, getJson, postJson, readEvents } from './api.js';
import { has, t } from './i18n.js';
import { clear, el, num, pct } from './format.js';
import { messageText } from './messages.js';

const TERMINAL = new Set(['run_completed', 'run_failed', 'run_cancelled']);
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

let state = null;  // {runId, status, phase, incumbent, bound, elapsed, elapsedAt, limit, log[], abort}
let ticker = null;

function phaseText(phase) {
  if (!phase) return '–';
  return has(`phase.${phase}`) ? t(`phase.${phase}`) : phase;
}

function statusText(status) { return has(`status.${status}`) ? t(`status.${status}`) : (status || '–'); }

function eventText(ev) {
  const d = ev.json || {};
  switch (ev.event) {
    case 'phase_started': return t('event.phase_started', { phase: phaseText(d.phase) });
    case 'progress': return t('event.progress', { drivers: d.incumbent_drivers ?? '–', bound: d.lower_bound ?? '–' });
    default: return has(`event.${ev.event}`) ? t(`event.${ev.event}`) : ev.event;
  }
}

function elapsedNow() {
  if (!state) return 0;
  if (state.status !== 'RUNNING' || state.elapsedAt === null) return state.elapsed;
  return state.elapsed + (performance.now() - state.elapsedAt) / 1000;
}

function render() {
  if (!state) return;
  const s = state;
  document.getElementById('progress-run-id').textContent = s.runId;
  const status = document.getElementById('progress-status');
  status.textContent = statusText(s.status);
  status.className = `badge status-${(s.status || '').toLowerCase()}`;
  document.getElementById('progress-phase').textContent = s.status === 'QUEUED' ? t('progress.waiting') : phaseText(s.phase);
  document.getElementById('progress-incumbent').textContent = s.incumbent === null || s.incumbent === undefined ? '–' : t('progress.drivers', { n: s.incumbent });
  document.getElementById('progress-bound').textContent = s.bound ? num(s.bound) : '–';
  const gap = s.incumbent && s.bound ? (s.incumbent - s.bound) / s.bound : null;
  document.getElementById('progress-gap').textContent = gap === null ? '–' : pct(gap);
  const elapsed = elapsedNow();
  document.getElementById('progress-elapsed').textContent = `${num(elapsed, 1)} / ${num(s.limit)} s`;
  const bar = document.getElementById('progress-bar');
  bar.max = s.limit || 1;
  bar.value = FINISHED.has(s.status) ? bar.max : Math.min(elapsed, bar.max);
  const cancel = document.getElementById('cancel-run');
  cancel.disabled = FINISHED.has(s.status) || s.cancelling;
  cancel.textContent = s.cancelling && !FINISHED.has(s.status) ? t('progress.cancelling') : t('progress.cancel');
  const note = document.getElementById('progress-note');
  note.textContent = s.note || '';
  const log = clear(document.getElementById('event-log'));
  log.dataset.seen = [...new Set(s.log.map((ev) => ev.event))].join(',');  // every kind received, for tests and support
  for (const ev of s.log.slice(-12).reverse()) {
    const at = ev.json && typeof ev.json.elapsed_s === 'number' ? `${num(ev.json.elapsed_s, 1)} s` : '';
    log.append(el('li', { dataset: { event: ev.event } }, el('span', { class: 'at' }, at), ' ', eventText(ev)));
  }
}

function apply(ev) {
  const s = state;
  const d = ev.json || {};
  if (ev.event === 'heartbeat') return;
  s.log.push(ev);
  if (typeof d.elapsed_s === 'number') { s.elapsed = d.elapsed_s; s.elapsedAt = performance.now(); }
  if (ev.event === 'run_started') {
    s.status = 'RUNNING';
    s.phase = 'profiling';
    if (d.time_limit_seconds) s.limit = d.time_limit_seconds;
    s.elapsed = 0;
    s.elapsedAt = performance.now();
  } else if (ev.event === 'phase_started') {
    s.status = 'RUNNING';
    s.phase = d.phase;
  } else if (ev.event === 'progress') {
    s.status = 'RUNNING';
    if (d.phase) s.phase = d.phase;
    if (d.incumbent_drivers !== null && d.incumbent_drivers !== undefined) s.incumbent = d.incumbent_drivers;
    if (d.lower_bound) s.bound = Math.max(s.bound || 0, d.lower_bound);
  } else if (TERMINAL.has(ev.event)) {
    s.status = d.status || { run_completed: 'COMPLETED', run_failed: 'FAILED', run_cancelled: 'CANCELLED' }[ev.event];
    s.reason = d.reason || null;
    s.phase = null;
    s.note = s.reason ? `${statusText(s.status)}: ${messageText(s.reason)}` : '';
  }
  render();
}

function applyView(view) {
  const s = state;
  s.status = view.status;
  s.phase = view.phase;
  s.limit = view.time_limit_seconds || s.limit;
  const p = view.progress || {};
  if (p.best_drivers !== null && p.best_drivers !== undefined) s.incumbent = p.best_drivers;
  if (p.lower_bound) s.bound = Math.max(s.bound || 0, p.lower_bound);
  if (typeof p.elapsed_s === 'number') { s.elapsed = p.elapsed_s; s.elapsedAt = performance.now(); }
  if (view.result && view.result.drivers_total !== undefined && FINISHED.has(view.status)) s.incumbent = view.result.drivers_total;
  if (view.reason) s.note = `${statusText(view.status)}: ${messageText(view.reason)}`;
}

// Follows a run until it ends; resolves with its final status view.
export async function watchRun(runId, { timeLimit = 30 } = {}) {
  if (state && state.abort) state.abort.abort();
  const abort = new AbortController();
  state = { runId, status: 'QUEUED', phase: null, incumbent: null, bound: 0, elapsed: 0, elapsedAt: null, limit: timeLimit, log: [], abort, note: '' };
  document.getElementById('progress-section').hidden = false;
  render();
  clearInterval(ticker);
  ticker = setInterval(() => { if (state && state.status === 'RUNNING') render(); }, 250);

  let lastId = null;
  let finished = false;
  let failures = 0;
  try {
    applyView(await getJson(`runs/${encodeURIComponent(runId)}`));
    render();
  } catch { /* the stream below reports the problem */ }
  while (!finished && !abort.signal.aborted) {
    try {
      lastId = await readEvents(runId, {
        lastEventId: lastId,
        signal: abort.signal,
        onEvent: (ev) => {
          if (state.abort !== abort) return;
          apply(ev);
          if (TERMINAL.has(ev.event)) finished = true;
        },
      });
      failures = 0;
    } catch (err) {
      if (err.name === 'AbortError') break;
      if (err instanceof ApiError && (err.status === 401 || err.status === 404)) {
        state.note = err.status === 401 ? t('auth.rejected') : detailText(err.detail);
        render();
        break;
      }
      failures += 1;
    }
    if (finished || abort.signal.aborted) break;
    // The stream ended without a terminal event (proxy timeout, restart): look, then reconnect.
    try {
      const view = await getJson(`runs/${encodeURIComponent(runId)}`);
      applyView(view);
      if (FINISHED.has(view.status)) finished = true;
    } catch { failures += 1; }
    if (!finished) {
      state.note = t('progress.reconnect');
      render();
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** Math.min(failures, 4))));
      state.note = '';
    }
  }
  clearInterval(ticker);
  let view = null;
  try { view = await getJson(`runs/${encodeURIComponent(runId)}`); applyView(view); } catch { /* keep what we have */ }
  render();
  return view || { run_id: runId, status: state.status };
}

export async function cancelRun() {
  if (!state || FINISHED.has(state.status)) return;
  state.cancelling = true;
  render();
  try {
    const view = await postJson(`runs/${encodeURIComponent(state.runId)}/cancel`, {});
    if (view && view.status) applyView(view);
  } catch (err) {
    state.note = err instanceof ApiError ? detailText(err.detail) : String(err.message || err);
  }
  render();
}

export function initProgress() {
  document.getElementById('cancel-run').addEventListener('click', cancelRun);
  document.addEventListener('languagechange', render);
}
