// Re-planning (dispatch.md §2): the "Fahrer fällt aus" form (driver, from, to; cancelled and added
// tours) posts /replan on the open run; a re-plan's result shows its call list ("changes") and the
// matrix highlights exactly the cells of the called drivers on the days they gain or lose a tour.
import { ApiError, postJson } from './api.js';
import { t } from './i18n.js';
import { DAYS, clear, dayIndex, dayShort, el, num } from './format.js';
import { detailMessage } from './messages.js';
import { currentReport, setChangedCells } from './result.js';

let onStarted = () => {};
let shown = null;                 // the report whose changes are shown
const tourDays = new Map();       // tour id -> day, from every plan seen (lost tours may be gone)

// Remembers the day of every tour of a report (for the days of cancelled or handed-over tours).
export function learnTours(r) {
  for (const d of (r && r.drivers) || []) for (const b of d.blocks || []) for (const x of b.tours || []) tourDays.set(x.id ?? x.tour_id, b.day);
  for (const u of (r && r.unassigned_tours) || []) if (u.day) tourDays.set(u.tour_id, u.day);
}

// "driver|day" for every tour a driver gains or loses: the cells the dispatcher must look at.
export function changedCellsOf(changes) {
  const cells = new Set();
  for (const p of (changes && changes.per_driver) || []) {
    for (const id of [...(p.gained || []), ...(p.lost || [])]) {
      const day = tourDays.get(id);
      if (day) cells.add(`${p.driver_id}|${DAYS[dayIndex(day)]}`);
    }
  }
  return [...cells];
}

function tourList(ids) {
  return ids.length ? ids.map((id) => `${id} (${tourDays.has(id) ? dayShort(tourDays.get(id)) : '?'})`).join(', ') : '–';
}

// The call list next to the matrix, or nothing for a plan without changes.
export function showChanges(r) {
  learnTours(r);
  shown = r;
  const box = document.getElementById('call-list-box');
  const ch = r && r.changes;
  box.hidden = !ch;
  if (!ch) return;
  setChangedCells(changedCellsOf(ch));
  document.getElementById('call-summary').textContent = t('calls.summary', {
    affected: num(ch.drivers_affected), changed: num(ch.assignments_changed), frozen: num(ch.frozen_tours),
    until: ch.frozen_until ? `${dayShort(ch.frozen_until.day)} ${ch.frozen_until.time}` : '–',
  });
  const table = clear(document.getElementById('call-list'));
  table.append(el('thead', {}, el('tr', {},
    el('th', { scope: 'col' }, t('calls.driver')), el('th', { scope: 'col' }, t('calls.gained')), el('th', { scope: 'col' }, t('calls.lost')))));
  table.append(el('tbody', {}, ch.per_driver.map((p) => el('tr', {
    dataset: { driver: p.driver_id, gained: (p.gained || []).join(' '), lost: (p.lost || []).join(' ') },
  }, el('th', { scope: 'row' }, p.name ? `${p.name} (${p.driver_id})` : p.driver_id),
  el('td', {}, tourList(p.gained || [])), el('td', {}, tourList(p.lost || []))))));
}

function fillForm() {
  const r = currentReport();
  const driver = clear(document.getElementById('replan-driver'));
  for (const d of (r && r.drivers) || []) driver.append(el('option', { value: d.driver_id }, d.name ? `${d.name} (${d.driver_id})` : d.driver_id));
  for (const id of ['replan-from-day', 'replan-to-day']) {
    const select = document.getElementById(id);
    const keep = select.value;
    clear(select);
    for (const d of DAYS) select.append(el('option', { value: d }, t(`day.${d}`)));
    select.value = keep || (id === 'replan-from-day' ? 'Wed' : 'Sun');
  }
}

// "Do 06:00-10:30" per line -> tours_added items X1, X2, …; throws naming a bad line.
function addedTours(text) {
  const out = [];
  text.split(/\n/).map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
    const m = /^(\S+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(line);
    const day = m ? DAYS[dayIndex(m[1])] : undefined;
    if (!m || !day) throw new Error(t('replan.bad_added', { line }));
    out.push({ id: `X${i + 1}`, day, start_time: m[2].padStart(5, '0'), end_time: m[3].padStart(5, '0') });
  });
  return out;
}

async function submit(e) {
  e.preventDefault();
  const r = currentReport();
  const error = document.getElementById('replan-error');
  error.hidden = true;
  const from = { day: document.getElementById('replan-from-day').value, time: document.getElementById('replan-from-time').value || '00:00' };
  const to = { day: document.getElementById('replan-to-day').value, time: document.getElementById('replan-to-time').value || '23:59' };
  try {
    const changes = { driver_unavailable: [{ driver_id: document.getElementById('replan-driver').value, from, to, reason: 'sick' }] };
    const cancelled = document.getElementById('replan-cancelled').value.split(/[\s,;]+/).filter(Boolean);
    if (cancelled.length) changes.tours_cancelled = cancelled;
    const added = addedTours(document.getElementById('replan-added').value);
    if (added.length) changes.tours_added = added;
    const limit = Number(document.getElementById('time-limit').value) || 30;
    document.getElementById('replan-start').disabled = true;
    const created = await postJson('replan', { base_run_id: r.run_id, frozen_until: from, changes, time_limit_seconds: limit });
    document.getElementById('replan-form').hidden = true;
    onStarted(created.run_id, limit);
  } catch (err) {
    error.hidden = false;
    error.textContent = err instanceof ApiError ? detailMessage(err.detail) : String(err.message || err);
  } finally {
    document.getElementById('replan-start').disabled = false;
  }
}

export function initReplan({ onReplanStarted }) {
  onStarted = onReplanStarted;
  const form = document.getElementById('replan-form');
  document.getElementById('open-replan').addEventListener('click', () => {
    fillForm();
    form.hidden = false;
    document.getElementById('replan-driver').focus();
  });
  document.getElementById('replan-cancel').addEventListener('click', () => { form.hidden = true; });
  form.addEventListener('submit', submit);
  document.addEventListener('languagechange', () => { if (shown) showChanges(shown); if (!form.hidden) fillForm(); });
}
