// Section 5: past runs from GET /api/v1/runs?limit=50, newest first, each reopenable.
import { ApiError, getJson } from './api.js';
import { has, t } from './i18n.js';
import { clear, dateTime, el, num, pct } from './format.js';
import { detailMessage } from './messages.js';
import { setCompareRuns } from './versions.js';

let runs = [];
let lastError = '';
let onOpen = () => {};

// Seconds from start to finish (the real runtime, not the limit); "–" while it runs.
function runtime(r) {
  const a = Date.parse(r.started_at); const b = Date.parse(r.finished_at);
  return Number.isNaN(a) || Number.isNaN(b) ? '–' : num((b - a) / 1000, 1);
}

function render() {
  const table = clear(document.getElementById('runs-table'));
  const note = document.getElementById('runs-note');
  note.textContent = lastError || (runs.length ? '' : t('runs.empty'));
  note.className = lastError ? 'bad' : 'muted';
  if (!runs.length) return;
  table.append(el('thead', {}, el('tr', {},
    el('th', { scope: 'col' }, t('runs.created')), el('th', { scope: 'col' }, t('runs.id')), el('th', { scope: 'col' }, t('versions.kind')),
    el('th', { scope: 'col' }, t('runs.week')), el('th', { scope: 'col' }, t('runs.status')),
    el('th', { scope: 'col', class: 'num' }, t('runs.tours')), el('th', { scope: 'col', class: 'num' }, t('runs.drivers')),
    el('th', { scope: 'col', class: 'num' }, t('runs.bound')), el('th', { scope: 'col', class: 'num' }, t('kpi.gap')),
    el('th', { scope: 'col' }, t('runs.rules')),
    el('th', { scope: 'col', class: 'num' }, t('runs.seed')), el('th', { scope: 'col', class: 'num' }, t('runs.runtime')), el('th', { scope: 'col' }, t('runs.action')))));
  const body = el('tbody');
  for (const r of runs) {
    const res = r.result || {};
    const drivers = res.drivers_total ?? r.progress?.best_drivers;
    const bound = res.lower_bound ?? r.progress?.lower_bound;
    // With tours left uncovered (driver mode) the driver bound does not apply: no gap then.
    const covered = res.coverage_rate === undefined || res.coverage_rate >= 1;
    const gap = drivers && bound && covered ? (drivers - bound) / bound : null;
    const status = has(`status.${r.status}`) ? t(`status.${r.status}`) : r.status;
    body.append(el('tr', { dataset: { runId: r.run_id } },
      el('td', {}, dateTime(r.created_at)),
      el('td', {}, el('code', {}, r.run_id)),
      el('td', {}, has(`kind.${r.kind}`) ? t(`kind.${r.kind}`) : (r.kind || '–')),
      el('td', {}, r.week_start || '–'),
      el('td', {}, el('span', { class: `badge status-${String(r.status).toLowerCase()}`, title: r.reason ? detailMessage(r.reason) : '' }, status)),
      el('td', { class: 'num' }, num(r.tours)),
      el('td', { class: 'num' }, drivers ? num(drivers) : '–'),
      el('td', { class: 'num' }, bound ? num(bound) : '–'),
      el('td', { class: 'num' }, gap === null ? '–' : pct(gap)),
      // The effective rule set's fingerprint: two runs with other rules never look alike.
      el('td', {}, el('code', { title: t('runs.rules_hint') }, String(r.config_effective_hash || '–').slice(0, 8))),
      el('td', { class: 'num' }, String(r.seed ?? '')),
      el('td', { class: 'num', title: t('runs.limit_hint', { limit: num(r.time_limit_seconds) }) }, runtime(r)),
      el('td', {}, el('button', { type: 'button', class: 'small open-run', onclick: () => onOpen(r) }, t('runs.open')))));
  }
  table.append(body);
}

export async function refreshRuns() {
  try {
    const answer = await getJson('runs?limit=50');
    runs = Array.isArray(answer.runs) ? answer.runs : [];
    lastError = '';
    setCompareRuns(runs);
  } catch (err) {
    lastError = err instanceof ApiError && err.status === 401 ? t('auth.needed') : (err instanceof ApiError ? detailMessage(err.detail) : String(err.message || err));
  }
  render();
}

export function initRuns({ onOpenRun }) {
  onOpen = onOpenRun;
  document.getElementById('runs-refresh').addEventListener('click', refreshRuns);
  document.addEventListener('languagechange', render);
}
