// Hand edits (dispatch.md §4): a clicked tour shows who could take it (GET …/candidates), a chosen
// move or swap is audited live (POST …/check, nothing stored), and "save" stores the edited plan
// as a new version (the same body with "save": true).
import { ApiError, getJson, postJson } from './api.js';
import { has, t } from './i18n.js';
import { DAYS, clear, dayShort, el, num } from './format.js';
import { detailMessage } from './messages.js';
import { currentReport, setViolationCells, violationText } from './result.js';

let tour = null;     // the candidates answer's "tour"
let pending = null;  // the /check body of the chosen edit
let onSaved = () => {};

const panel = () => document.getElementById('edit-panel');

function changeText(c) { return has(`change.${c}`) ? t(`change.${c}`) : c; }

function errorText(err) { return err instanceof ApiError ? detailMessage(err.detail) : String(err.message || err); }

// One candidate: who, what changes for them, the block type and weekly hours, a named hand-over.
function candidateItem(c) {
  const who = c.name ? `${c.name} (${c.driver_id})` : c.driver_id;
  const handover = c.handover
    ? el('div', { class: 'small muted' }, t('edit.handover', {
      tour: c.handover.tour_id, day: dayShort(c.handover.day), time: `${c.handover.start_time}–${c.handover.end_time}`,
      to: c.handover.to_driver_name || c.handover.to_driver,
    }))
    : null;
  return el('li', { dataset: { driver: c.driver_id, type: c.type } },
    el('button', { type: 'button', class: 'candidate', onclick: () => check({ moves: c.moves }, who) },
      el('strong', {}, who), ' · ', changeText(c.change), ' · ', t(`block.${c.block_type}`), ' · ',
      t('edit.hours', { hours: num(c.weekly_hours, 1) }), c.audit_clean ? '' : ` · ${t('edit.not_clean')}`),
    handover);
}

// Swap with another driver on the tour's day: the plan's drivers in a labelled select.
function swapForm() {
  const r = currentReport();
  const select = el('select', { id: 'swap-driver' });
  for (const d of (r && r.drivers) || []) {
    if (d.driver_id === tour.current_driver) continue;
    select.append(el('option', { value: d.driver_id }, d.name ? `${d.name} (${d.driver_id})` : d.driver_id));
  }
  const go = el('button', {
    type: 'button', id: 'swap-check',
    onclick: () => check({ swaps: [{ driver_a: tour.current_driver, driver_b: select.value, days: [tour.day] }] }, select.value),
  }, t('edit.swap_check'));
  return el('div', { class: 'swap-row' },
    el('label', { for: 'swap-driver' }, t('edit.swap', { day: dayShort(tour.day) })), select, go);
}

export async function openTour(tourId, driverId) {
  const r = currentReport();
  if (!r) return;
  pending = null;
  setViolationCells([]);
  panel().querySelector('.swap-row')?.remove();
  panel().hidden = false;
  document.getElementById('edit-save').disabled = true;
  clear(document.getElementById('edit-audit'));
  const list = clear(document.getElementById('candidate-list'));
  document.getElementById('edit-title').textContent = t('edit.title', { tour: tourId });
  document.getElementById('edit-tour').textContent = t('edit.loading');
  document.getElementById('edit-title').focus();
  try {
    const answer = await getJson(`runs/${encodeURIComponent(r.run_id)}/tours/${encodeURIComponent(tourId)}/candidates?limit=8`);
    tour = answer.tour;
    const owner = r.drivers.find((d) => d.driver_id === (tour.current_driver || driverId));
    document.getElementById('edit-tour').textContent = t('edit.tour', {
      day: dayShort(tour.day), time: `${tour.start_time}–${tour.end_time}`,
      driver: owner ? (owner.name || owner.driver_id) : (tour.current_driver || '–'),
    }) + (tour.locked_to ? ` · ${t('matrix.locked')}` : '') + (tour.frozen ? ` · ${t('edit.frozen')}` : '');
    if (!answer.candidates.length) list.append(el('li', { class: 'muted' }, t('edit.none')));
    for (const c of answer.candidates) list.append(candidateItem(c));
    if (tour.current_driver) list.after(swapForm());
  } catch (err) {
    document.getElementById('edit-tour').textContent = errorText(err);
  }
}

// The live audit of an edit: violations in the panel and marked in the matrix, KPI deltas.
async function check(body, label) {
  const r = currentReport();
  const box = clear(document.getElementById('edit-audit'));
  box.append(el('p', { class: 'muted' }, t('edit.checking')));
  try {
    const answer = await postJson(`runs/${encodeURIComponent(r.run_id)}/check`, body);
    pending = body;
    clear(box);
    box.dataset.ok = String(answer.ok);
    box.append(el('h4', {}, t('edit.audit_for', { who: label })));
    if (answer.ok) box.append(el('p', { class: 'ok', id: 'edit-audit-ok' }, `✔ ${t('edit.audit_ok')}`));
    else {
      box.append(el('p', { class: 'bad' }, t('audit.failed', { n: answer.violations.length })),
        el('ul', { id: 'edit-violations' }, answer.violations.map((v) => el('li', { dataset: { code: v.code } }, violationText(v)))));
    }
    const d = answer.kpis.delta;
    box.append(el('p', { class: 'small', id: 'edit-delta' }, t('edit.delta', {
      drivers: signed(d.drivers_total), hours: signed(d.hours_max, 1), uncovered: signed(d.tours_uncovered ?? 0),
    })));
    setViolationCells(answer.violations.map((v) => `${v.driver_id}|${typeof v.day === 'number' ? DAYS[v.day] : v.day}`));
    document.getElementById('edit-save').disabled = false;
  } catch (err) {
    clear(box).append(el('p', { class: 'error-box', role: 'alert' }, errorText(err)));
  }
}

function signed(value, digits = 0) {
  if (value === null || value === undefined) return '–';
  return `${value > 0 ? '+' : ''}${num(value, digits)}`;
}

async function save() {
  const r = currentReport();
  if (!r || !pending) return;
  const button = document.getElementById('edit-save');
  button.disabled = true;
  try {
    const answer = await postJson(`runs/${encodeURIComponent(r.run_id)}/check`, { ...pending, save: true });
    close();
    onSaved(answer.run_id);
  } catch (err) {
    document.getElementById('edit-audit').append(el('p', { class: 'error-box', role: 'alert' }, errorText(err)));
    button.disabled = false;
  }
}

function close() {
  panel().hidden = true;
  pending = null;
  setViolationCells([]);
  panel().querySelector('.swap-row')?.remove();
}

export function initEdit({ onVersionSaved }) {
  onSaved = onVersionSaved;
  document.getElementById('edit-save').addEventListener('click', save);
  document.getElementById('edit-close').addEventListener('click', close);
}
