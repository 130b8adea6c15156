// Section 1b (optional): the driver pool for driver mode. The raw file (CSV or JSON) goes to
// POST /api/v1/drivers/preview; the answer's drivers_json / locks_json are sent with the run.
// With a forecast loaded too, POST /api/v1/diagnostics shows the tours no driver can take.
import { apiFetch, ApiError, detailText, postJson } from './api.js';
import { detailMessage } from './messages.js';
import { isZip } from './upload.js';
import { has, t } from './i18n.js';
import { clear, dayName, dayShort, el, num } from './format.js';

let pool = null;         // the last successful drivers preview
let fileName = '';
let lastError = null;
let diagnostics = null;  // the diagnostics answer for the current forecast + pool
let toursOf = () => null;  // returns the forecast's tours_json (or null)
let onChange = () => {};

export function currentDrivers() { return pool; }
// The driver list's error (a file was chosen and could not be read): it blocks Start.
export function driversError() { return lastError ? errorText() : ''; }
function errorText() {
  if (lastError.excel) return t('upload.excel');
  return lastError.status === 401 ? t('auth.rejected') : detailMessage(lastError.detail ?? lastError.text, fileName);
}

// The run body's driver-mode part ({} in forecast mode).
export function driverModeBody() {
  if (!pool || !pool.drivers) return {};
  const body = { drivers: pool.drivers_json };
  if (pool.locks_json && pool.locks_json.length) body.locks = pool.locks_json;
  if (pool.previous_json) body.previous_plan = pool.previous_json;
  return body;
}

function contentTypeOf(file, head) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'text/csv';
  return head.startsWith('{') || head.startsWith('[') ? 'application/json' : 'text/csv';
}

async function loadFile(file) {
  const status = document.getElementById('drivers-status');
  fileName = file.name;
  pool = null;
  lastError = null;
  diagnostics = null;
  status.textContent = t('upload.reading', { name: file.name });
  render();
  if (await isZip(file)) {
    lastError = { status: 0, excel: true };
    status.textContent = '';
    render();
    onChange(null);
    return;
  }
  try {
    const head = (await file.slice(0, 64).text()).trimStart();
    const res = await apiFetch('drivers/preview', { method: 'POST', body: file, headers: { 'Content-Type': contentTypeOf(file, head) } });
    pool = await res.json();
  } catch (err) {
    lastError = err instanceof ApiError ? { status: err.status, detail: err.detail } : { status: 0, detail: String(err.message || err) };
  }
  status.textContent = '';
  render();
  onChange(pool);
  refreshDiagnostics();
}

// Asks the service which tours the pool cannot take (no solving); shown under the pool summary.
export async function refreshDiagnostics() {
  diagnostics = null;
  const tours = toursOf();
  if (!pool || !pool.drivers || !tours || !tours.length) { render(); return; }
  try {
    diagnostics = await postJson('diagnostics', { tours, ...driverModeBody() });
  } catch (err) {
    diagnostics = { error: err instanceof ApiError ? detailText(err.detail) : String(err.message || err) };
  }
  render();
}

export function reasonText(code) { return has(`reason.${code}`) ? t(`reason.${code}`) : code; }

function renderDiagnostics(box) {
  if (!diagnostics) return;
  if (diagnostics.error) { box.append(el('p', { class: 'error-box', id: 'diagnostics-error' }, diagnostics.error)); return; }
  const blocked = (diagnostics.tours || []).filter((x) => x.drivers_eligible === 0);
  const wrap = el('div', { class: 'diagnostics', id: 'diagnostics' },
    el('h4', {}, t('drivers.diagnostics')),
    el('p', { id: 'diagnostics-summary', dataset: { blocked: String(blocked.length) }, class: blocked.length ? 'bad' : 'ok' },
      blocked.length ? t('drivers.diag_blocked', { n: num(blocked.length) }) : t('drivers.diag_ok')));
  if (blocked.length) {
    wrap.append(el('ul', { class: 'diag-list' }, blocked.slice(0, 12).map((x) => el('li', {},
      el('code', {}, x.tour_id), ` ${dayName(x.day)} ${x.start_time}–${x.end_time}: `,
      (x.top_blockers || []).map((b) => `${reasonText(b.reason)} (${num(b.drivers)})`).join(', ')))));
    if (blocked.length > 12) wrap.append(el('p', { class: 'muted small' }, t('drivers.diag_more', { n: num(blocked.length - 12) })));
  }
  box.append(wrap);
}

function render() {
  const box = clear(document.getElementById('drivers-preview'));
  document.getElementById('drivers-file').textContent = fileName ? `${t('upload.file')}: ${fileName}` : '';
  document.getElementById('drivers-clear').hidden = !pool && !lastError;
  if (lastError) {
    box.append(el('div', { class: 'error-box', id: 'drivers-error', role: 'alert' },
      el('strong', {}, t('drivers.error')), el('pre', {}, errorText())));
    return;
  }
  if (!pool) { box.append(el('p', { class: 'muted small', id: 'drivers-mode-hint' }, t('drivers.forecast_mode'))); return; }
  const facts = el('dl', { class: 'facts' },
    el('dt', {}, t('drivers.count')), el('dd', { id: 'drivers-count', dataset: { value: String(pool.drivers) } }, num(pool.drivers)),
    el('dt', {}, t('drivers.qualifications')),
    el('dd', { id: 'drivers-quals' }, pool.qualifications.length ? pool.qualifications.map((q) => `${q.name} (${num(q.drivers)})`).join(', ') : '–'),
    el('dt', {}, t('drivers.available')),
    el('dd', { id: 'drivers-days' }, pool.available_per_day.map((d) => `${dayShort(d.day)} ${num(d.drivers)}`).join(' · ')),
    el('dt', {}, t('drivers.limits')), el('dd', {}, num(pool.with_limits)));
  if (pool.locks) facts.append(el('dt', {}, t('drivers.locks')), el('dd', { id: 'drivers-locks' }, num(pool.locks)));
  if (pool.previous_assignments) {
    facts.append(el('dt', {}, t('drivers.previous')),
                 el('dd', { id: 'drivers-previous' }, num(pool.previous_assignments)));
  }
  box.append(facts);
  renderDiagnostics(box);
}

export function initDrivers({ getTours, onDriversChange }) {
  toursOf = getTours;
  onChange = onDriversChange;
  const zone = document.getElementById('drivers-drop');
  const input = document.getElementById('drivers-input');
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) loadFile(input.files[0]);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) loadFile(file);
  });
  zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  document.getElementById('drivers-clear').addEventListener('click', () => {
    pool = null; lastError = null; diagnostics = null; fileName = '';
    render();
    onChange(null);
  });
  document.addEventListener('languagechange', render);
  render();
}
