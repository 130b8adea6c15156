// Section 4: a finished run — KPI cards, exports, the load charts, the sortable week matrix and
// the audit. Reads the report document (the plan of api.md §4 plus the best bound's name and the
// policy); falls back to the plan document.
import { ApiError, detailText, download, getJson } from './api.js';
import { getLang, has, hasOwn, t } from './i18n.js';
import { BLOCK_LETTER, BLOCK_TYPES, DAYS, clear, dayIndex, dayShort, dayWithDate, el, minutesAsHours, minutesOf, num, pct } from './format.js';
import { currentDrivers } from './drivers.js';
import { renderDemand } from './chart.js';
import { reasonText } from './drivers.js';
import { messageText } from './messages.js';

let report = null;
let sort = { key: 'driver', dir: 1 };
let filter = '';
let changedCells = new Set();  // "driver|day" cells a re-plan changed (highlighted)
let onTour = () => {};           // called with (tourId, driverId) when a tour is clicked

export function setTourHandler(fn) { onTour = fn; }
export function setChangedCells(cells) { changedCells = new Set(cells); if (report) renderMatrix(report); }
let violationCells = new Set();  // "driver|day" cells the live audit of an edit finds broken
export function setViolationCells(cells) {
  violationCells = new Set(cells);
  for (const td of document.querySelectorAll('#matrix-table td.violation')) { td.classList.remove('violation'); delete td.dataset.violation; }
  for (const key of violationCells) {
    const [driver, day] = key.split('|');
    const td = document.querySelector(`#matrix-table tr[data-driver="${CSS.escape(driver)}"] td[data-day="${CSS.escape(day)}"]`);
    if (td) { td.classList.add('violation'); td.dataset.violation = 'true'; }
  }
}

const BOUND_ORDER = ['lp', 'rest_concurrency', 'path_cover', 'per_day', 'hours'];

export function currentReport() { return report; }

// The name of the bound that is the best one (reported by the report document; else derived).
function bestBoundName(lb) {
  if (!lb) return '';
  if (lb.best_name) return lb.best_name;
  return BOUND_ORDER.find((k) => lb[k] !== null && lb[k] !== undefined && lb[k] === lb.best) || '';
}

function boundLabel(name) { return has(`bound.${name}`) ? t(`bound.${name}`) : name; }

function card(id, title, value, rawValue, ...details) {
  return el('div', { class: 'card', id },
    el('div', { class: 'card-title' }, title),
    el('div', { class: 'card-value', dataset: { value: String(rawValue) } }, value),
    ...details.filter(Boolean).map((d) => (d instanceof Node ? d : el('div', { class: 'card-detail' }, d))));
}

function renderCards(r) {
  const k = r.kpis || {};
  const lb = r.lower_bounds || {};
  const box = clear(document.getElementById('kpi-cards'));
  const bound = lb.best ?? k.lower_bound;
  const boundName = bestBoundName(lb);
  // With tours left uncovered (driver mode) the driver bound does not apply: no gap then.
  const gap = k.tours_uncovered ? null : (k.gap_to_lb ?? (bound ? (k.drivers_total - bound) / bound : null));
  box.append(card('kpi-drivers', t('kpi.drivers'), num(k.drivers_total), k.drivers_total,
    el('div', { class: 'card-detail' },
      el('span', { id: 'kpi-fte', dataset: { value: String(k.drivers_fte) } }, `${num(k.drivers_fte)} FTE`), ' · ',
      el('span', { id: 'kpi-pt', dataset: { value: String(k.drivers_pt) } }, `${num(k.drivers_pt)} PT`)),
    t('kpi.pt_ratio', { ratio: pct(k.pt_ratio) }),
    r.driver_mode ? el('div', { class: 'card-detail', id: 'kpi-pool', dataset: { used: String(k.drivers_total), available: String(r.driver_mode.drivers_available) } },
      t('kpi.drivers_used', { used: num(k.drivers_total), available: num(r.driver_mode.drivers_available) })) : null,
    r.driver_mode && k.tours_uncovered ? el('div', { class: 'card-detail bad', id: 'kpi-uncovered', dataset: { value: String(k.tours_uncovered) } },
      t('kpi.uncovered', { n: num(k.tours_uncovered), bound: num(lb.uncovered_tours ?? 0) })) : null));
  box.append(card('kpi-gap', t('kpi.gap'), pct(gap), gap,
    el('div', { class: 'card-detail' },
      el('span', { id: 'kpi-bound', dataset: { value: String(bound) } }, t('kpi.gap_detail', { bound: num(bound), name: boundLabel(boundName) }))),
    gap === 0 ? el('div', { class: 'card-detail ok' }, t('kpi.optimal')) : null));
  const blocksTotal = BLOCK_TYPES.reduce((s, b) => s + (k[`blocks_${b.replace('-', '_')}`] || 0), 0);
  const mixTotal = blocksTotal || 1;
  const bar = el('div', { class: 'mix-bar' });
  const list = el('ul', { class: 'mix-list' });
  for (const b of BLOCK_TYPES) {
    const n = k[`blocks_${b.replace('-', '_')}`] || 0;
    const seg = el('span', { class: `seg bt-${b}`, title: `${t(`block.${b}`)}: ${n}` });
    seg.style.width = `${(100 * n) / mixTotal}%`;
    bar.append(seg);
    list.append(el('li', { id: `kpi-mix-${b}`, dataset: { value: String(n) } }, el('span', { class: `dot bt-${b}` }), ` ${t(`block.${b}`)}: ${num(n)}`));
  }
  box.append(card('kpi-mix', t('kpi.block_mix'), [num(blocksTotal), el('span', { class: 'card-unit' }, t('kpi.blocks_unit'))], blocksTotal, bar, list));
  box.append(card('kpi-hours', t('kpi.hours'), num(k.hours_avg, 1), k.hours_avg,
    el('div', { class: 'card-detail', id: 'kpi-hours-detail', dataset: { min: String(k.hours_min), avg: String(k.hours_avg), max: String(k.hours_max) } },
      t('kpi.hours_detail', { min: num(k.hours_min, 1), avg: num(k.hours_avg, 1), max: num(k.hours_max, 1) })),
    k.tight_rest_count !== undefined ? t('kpi.tight_rest', { n: num(k.tight_rest_count) }) : null));
  box.append(card('kpi-coverage', t('kpi.coverage'), pct(k.coverage_rate), k.coverage_rate,
    t('kpi.coverage_detail', { covered: num(k.tours_covered), total: num(k.tours_total) })));
  const audit = r.audit || { ok: true, violations: [] };
  box.append(card('kpi-audit', t('kpi.audit'), audit.ok ? t('kpi.audit_ok') : t('kpi.audit_failed', { n: audit.violations.length }), audit.ok));
  document.getElementById('kpi-audit').classList.add(audit.ok ? 'good' : 'bad');
}

// Block start (minutes) of a driver on a day, for sorting by a day column; empty days last.
function dayStart(driver, day) {
  const b = (driver.blocks || []).find((x) => dayIndex(x.day) === day);
  return b ? minutesOf(b.start) : Infinity;
}

// Driver mode shows the driver's name (the id below it); forecast mode the generated id.
function driverLabel(drv) { return drv.name || drv.driver_id; }

function sortedDrivers(drivers) {
  const key = sort.key;
  const out = drivers.slice();
  const byId = (a, b) => String(driverLabel(a)).localeCompare(String(driverLabel(b)), undefined, { numeric: true })
    || String(a.driver_id).localeCompare(String(b.driver_id), undefined, { numeric: true });
  out.sort((a, b) => {
    let c = 0;
    if (key === 'hours') c = (a.hours ?? 0) - (b.hours ?? 0);
    else if (key === 'type') c = String(a.driver_type).localeCompare(String(b.driver_type)) || (a.hours ?? 0) - (b.hours ?? 0);
    else if (key === 'days') c = (a.days_worked ?? 0) - (b.days_worked ?? 0);
    else if (DAYS.includes(key)) {
      const sa = dayStart(a, DAYS.indexOf(key)); const sb = dayStart(b, DAYS.indexOf(key));
      if (sa === Infinity || sb === Infinity) return sa === sb ? byId(a, b) : (sa === Infinity ? 1 : -1);  // empty days last, both ways
      c = sa - sb;
    }
    return (c || 0) * sort.dir || byId(a, b) * (key === 'driver' ? sort.dir : 1);
  });
  return out;
}

// One button per tour ("HH:MM-HH:MM", a lock mark when locked), "/" with a line-break
// opportunity between them; a click asks who else could take the tour.
function cellContent(block, driverId) {
  const frag = document.createDocumentFragment();
  (block.tours || []).forEach((x, i) => {
    if (i) { frag.append('/'); frag.append(el('wbr')); }
    const id = x.id ?? x.tour_id;
    frag.append(el('button', {
      type: 'button', class: `tour${x.locked ? ' locked' : ''}`, dataset: { tour: id, driver: driverId },
      title: `${id}${x.locked ? ` · ${t('matrix.locked')}` : ''}`,
      'aria-label': `${t('matrix.tour')} ${id} ${x.start_time}–${x.end_time}${x.locked ? `, ${t('matrix.locked')}` : ''}`,
      onclick: () => onTour(id, driverId),
    }, x.locked ? el('span', { class: 'lock-mark', 'aria-hidden': 'true' }, '◆') : null, `${x.start_time}-${x.end_time}`));
  });
  return frag;
}

// Everything the filter can find for a driver: id, name, qualifications, tour ids and times, block types.
function haystack(drv, quals) {
  const parts = [drv.driver_id, drv.name || '', ...(quals.get(drv.driver_id) || [])];
  for (const b of drv.blocks || []) {
    parts.push(t(`block.${b.block_type}`), b.block_type);
    for (const x of b.tours || []) parts.push(x.id ?? x.tour_id, x.start_time, x.end_time, `${x.start_time}-${x.end_time}`);
  }
  return parts.join(' ').toLowerCase();
}

// Qualifications by driver id, from the loaded pool (driver mode).
function poolQualifications() {
  const pool = currentDrivers();
  const out = new Map();
  for (const d of (pool && pool.drivers_json) || []) out.set(String(d.id ?? d.driver_id), d.qualifications || []);
  return out;
}

function renderMatrix(r) {
  const drivers = r.drivers || [];
  const usedDays = DAYS.filter((d, i) => i < 6 || drivers.some((x) => (x.blocks || []).some((b) => dayIndex(b.day) === i)));
  const table = clear(document.getElementById('matrix-table'));
  const head = el('tr');
  const th = (key, label, cls = '') => {
    const active = sort.key === key;
    const cell = el('th', {
      scope: 'col', class: `sortable ${cls}`, tabindex: 0, dataset: { sort: key },
      'aria-sort': active ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none',
    }, label, el('span', { class: 'sort-arrow' }, active ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''));
    const go = () => { sort = { key, dir: active ? -sort.dir : 1 }; renderMatrix(report); };
    cell.addEventListener('click', go);
    cell.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
    return cell;
  };
  head.append(th('driver', t('matrix.driver')));
  for (const d of usedDays) head.append(th(d, dayWithDate(d, r.week_start)));
  head.append(th('hours', t('matrix.hours'), 'num'), th('type', t('matrix.type')));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  const f = filter.trim().toLowerCase();
  const quals = poolQualifications();
  for (const drv of sortedDrivers(drivers)) {
    if (f && !haystack(drv, quals).includes(f)) continue;
    const head = drv.name && drv.name !== drv.driver_id
      ? el('th', { scope: 'row', class: 'driver-name' }, drv.name, el('span', { class: 'driver-id' }, drv.driver_id))
      : el('th', { scope: 'row' }, drv.driver_id);
    const row = el('tr', { dataset: { driver: drv.driver_id } }, head);
    for (const d of usedDays) {
      const blocks = (drv.blocks || []).filter((b) => dayIndex(b.day) === DAYS.indexOf(d));
      const changed = changedCells.has(`${drv.driver_id}|${d}`);
      if (!blocks.length) {
        row.append(el('td', { class: `empty${changed ? ' changed' : ''}`, dataset: { day: d, changed: changed ? 'true' : null } },
          changed ? el('span', { class: 'changed-text' }, t('matrix.changed_free')) : '-'));
        continue;
      }
      const b = blocks[0];
      const td = el('td', {
        class: `bt-${b.block_type}${changed ? ' changed' : ''}`, dataset: { day: d, blockType: b.block_type, changed: changed ? 'true' : null },
      });
      blocks.forEach((x, i) => { if (i) td.append(' + '); td.append(cellContent(x, drv.driver_id)); });
      td.append(' ', el('abbr', { class: 'bt-letter', title: t(`block.${b.block_type}`) }, BLOCK_LETTER[b.block_type] || '?'));
      row.append(td);
    }
    row.append(el('td', { class: 'num', dataset: { value: String(drv.hours) } }, num(drv.hours, 2)));
    row.append(el('td', { class: `type type-${String(drv.driver_type).toLowerCase()}` }, has(`type.${drv.driver_type}`) ? t(`type.${drv.driver_type}`) : drv.driver_type));
    body.append(row);
  }
  table.append(body);
  // Per day: drivers working and tours, so the heavy days stand out.
  const working = el('tr', {}, el('th', { scope: 'row' }, t('matrix.per_day')));
  const toursRow = el('tr', {}, el('th', { scope: 'row' }, t('matrix.tours_per_day')));
  for (const d of usedDays) {
    const i = DAYS.indexOf(d);
    let w = 0; let n = 0;
    for (const drv of drivers) for (const b of drv.blocks || []) if (dayIndex(b.day) === i) { w += 1; n += (b.tours || []).length; }
    working.append(el('td', { class: 'num', dataset: { day: d, value: String(w) } }, num(w)));
    toursRow.append(el('td', { class: 'num', dataset: { day: d, value: String(n) } }, num(n)));
  }
  working.append(el('td'), el('td'));
  toursRow.append(el('td'), el('td'));
  table.append(el('tfoot', {}, working, toursRow));
}

function renderAudit(r) {
  const box = clear(document.getElementById('audit-result'));
  const audit = r.audit || { ok: true, violations: [] };
  if (audit.ok && !audit.violations.length) {
    box.append(el('p', { class: 'ok' }, `✔ ${t('audit.ok')}`));
  } else {
    box.append(el('p', { class: 'bad' }, t('audit.failed', { n: audit.violations.length })));
    box.append(el('ul', {}, audit.violations.map((v) => el('li', {}, violationText(v)))));
  }
  const un = r.unassigned_tours || [];
  const unBox = clear(document.getElementById('unassigned'));
  unBox.hidden = !un.length;
  if (un.length) {
    const blocked = (u) => Object.entries(u.drivers_blocked || {}).map(([code, n]) => `${reasonText(code)}: ${num(n)}`).join(' · ');
    unBox.append(el('h3', {}, `${t('unassigned.title')} (${un.length})`),
      el('ul', { class: 'unassigned-list', id: 'unassigned-list' }, un.map((u) => el('li', { dataset: { tour: u.tour_id, reasons: (u.reason_codes || []).join(' ') } },
        el('code', {}, u.tour_id),
        u.day ? ` ${dayShort(u.day)} ${u.start_time}–${u.end_time}` : '',
        (u.required_qualifications || []).length ? ` [${u.required_qualifications.join(', ')}]` : '', ' ',
        ...(u.reason_codes || []).map((c) => el('span', { class: 'reason', title: c }, reasonText(c))),
        u.drivers_blocked ? el('div', { class: 'muted small' }, `${t('unassigned.blocked')}: ${blocked(u)}`) : ''))));
  }
}

// One audit violation as a German (or English) sentence: the code's text, driver, day, tour.
export function violationText(v) {
  const day = v.day !== null && v.day !== undefined ? dayShort(typeof v.day === 'number' ? DAYS[v.day] : v.day) : null;
  if (!hasOwn(`violation.${v.code}`) && v.message) return messageText(v.message);  // English: the service's own sentence
  const what = hasOwn(`violation.${v.code}`) ? t(`violation.${v.code}`) : messageText(v.message || v.code);
  return `${what}: ${[v.driver_id, day, v.tour_id].filter(Boolean).join(' · ')}`;
}

// The rules the run used (its policy), rules in minutes shown in hours.
function renderRulesUsed(r) {
  const list = clear(document.getElementById('rules-used-list'));
  const policy = r.policy || {};
  for (const [name, value] of Object.entries(policy)) {
    if (value === null || typeof value === 'object') continue;
    const label = has(`rule.${name}`) ? t(`rule.${name}`) : name;
    const text = typeof value === 'boolean' ? t(value ? 'common.yes' : 'common.no')
      : /_minutes$/.test(name) ? `${minutesAsHours(value)} h` : num(value, Number.isInteger(value) ? 0 : 1);
    list.append(el('dt', {}, label), el('dd', { dataset: { rule: name, value: String(value) } }, text));
  }
}

// Pool drivers the plan leaves without work (driver mode, pool loaded on this page).
function renderUnused(r) {
  const box = clear(document.getElementById('unused-drivers'));
  const pool = currentDrivers();
  const used = new Set((r.drivers || []).map((d) => d.driver_id));
  const unused = r.driver_mode && pool ? (pool.drivers_json || []).filter((d) => !used.has(String(d.id ?? d.driver_id))) : [];
  box.hidden = !r.driver_mode;
  if (!r.driver_mode) return;
  box.append(el('h3', {}, t('unused.title', { n: num(r.driver_mode.drivers_available - (r.drivers || []).length) })));
  if (!pool) { box.append(el('p', { class: 'muted' }, t('unused.no_pool'))); return; }
  box.append(el('ul', { class: 'unused-list', id: 'unused-list' },
    unused.map((d) => el('li', { dataset: { driver: String(d.id ?? d.driver_id) } }, `${d.name || ''} (${d.id ?? d.driver_id})`))));
}

function renderHeader(r) {
  const head = clear(document.getElementById('result-head'));
  const status = r.status || '';
  head.append(
    el('span', { class: 'badge', id: 'result-run-id' }, r.run_id || ''),
    ' ', el('span', { class: `badge plan-${status.toLowerCase()}`, id: 'result-status', dataset: { status } }, has(`plan.${status}`) ? t(`plan.${status}`) : status),
    ' ', r.week_start ? el('span', { id: 'result-week' }, t('result.week', { date: dayWithDate('Mon', r.week_start) })) : '',
    ' ', el('small', { class: 'muted signature', title: r.solution_signature || '' }, `${t('result.signature')}: ${(r.solution_signature || '').slice(0, 19)}…`));
}

export function renderReport(r) {
  if (!report || report.run_id !== r.run_id) changedCells = new Set();
  report = r;
  document.getElementById('result-empty').hidden = true;
  document.getElementById('result-body').hidden = false;
  renderHeader(r);
  renderCards(r);
  renderMatrix(r);
  renderAudit(r);
  renderRulesUsed(r);
  renderUnused(r);
  const rest = (r.policy && r.policy.min_rest_minutes) || 660;
  renderDemand(document.getElementById('demand-charts'), r, rest);
}

function showNoPlan(view) {
  report = null;
  document.getElementById('result-body').hidden = true;
  const empty = document.getElementById('result-empty');
  empty.hidden = false;
  empty.textContent = t('result.no_plan', { status: [view.status, view.reason].filter(Boolean).join(', ') });
}

// Loads and shows a run's result; resolves with the report (null when the run has no plan).
export async function openResult(runId, view = null) {
  document.getElementById('result-section').hidden = false;
  try {
    const r = await getJson(`runs/${encodeURIComponent(runId)}/report`).catch(async (err) => {
      if (err instanceof ApiError && err.status === 404 && err.detail === 'Not Found') return getJson(`runs/${encodeURIComponent(runId)}/plan`);
      throw err;
    });
    if (!r.run_id) r.run_id = runId;
    renderReport(r);
    return r;
  } catch (err) {
    showNoPlan(view || { status: err instanceof ApiError ? detailText(err.detail) : String(err.message || err) });
    return null;
  }
}

// The German page asks for German CSV (German headers and days, decimal commas); the API default stays.
function csvLang() { return getLang() === 'de' ? '?lang=de' : ''; }

async function exportFile(kind) {
  if (!report) return;
  const id = report.run_id;
  const files = {
    roster_csv: [`runs/${encodeURIComponent(id)}/export/roster.csv${csvLang()}`, `${id}_roster.csv`],
    tours_csv: [`runs/${encodeURIComponent(id)}/export/tours.csv${csvLang()}`, `${id}_tours.csv`],
    xlsx: [`runs/${encodeURIComponent(id)}/export/roster.xlsx`, `${id}_roster.xlsx`],
  };
  const status = document.getElementById('export-status');
  status.className = 'status';
  try {
    const { name } = await download(...files[kind]);
    status.textContent = t('export.done', { name });
  } catch (err) {
    status.className = 'status bad';
    status.textContent = t('export.failed', { detail: err instanceof ApiError ? detailText(err.detail) : String(err.message || err) });
  }
}

// Print: the week on A4 landscape, or (class print-per-driver) one page per driver's row.
function printResult(perDriver) {
  document.body.classList.toggle('print-per-driver', perDriver);
  window.addEventListener('afterprint', () => document.body.classList.remove('print-per-driver'), { once: true });
  window.print();
}

export function initResult() {
  document.getElementById('print-week').addEventListener('click', () => printResult(false));
  document.getElementById('print-drivers').addEventListener('click', () => printResult(true));
  document.getElementById('dl-roster-csv').addEventListener('click', () => exportFile('roster_csv'));
  document.getElementById('dl-tours-csv').addEventListener('click', () => exportFile('tours_csv'));
  document.getElementById('dl-xlsx').addEventListener('click', () => exportFile('xlsx'));
  document.getElementById('matrix-filter').addEventListener('input', (e) => { filter = e.target.value; if (report) renderMatrix(report); });
  document.addEventListener('languagechange', () => { if (report) renderReport(report); });
}

