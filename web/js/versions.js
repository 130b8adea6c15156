// Versions and comparison (dispatch.md §5): publish the open plan, its lineage
// (GET …/versions), and any two runs side by side (GET /runs/compare: rules that differ in hours,
// KPI deltas, changed assignments).
import { ApiError, getJson, postJson } from './api.js';
import { has, hasOwn, t } from './i18n.js';
import { clear, dateTime, el, num } from './format.js';
import { detailMessage } from './messages.js';
import { currentReport } from './result.js';

let onOpen = () => {};
let lastCompare = null;

function errorText(err) { return err instanceof ApiError ? detailMessage(err.detail) : String(err.message || err); }

function kindText(kind) { return has(`kind.${kind}`) ? t(`kind.${kind}`) : (kind || '–'); }
function publicationText(p) { return p ? (has(`publication.${p}`) ? t(`publication.${p}`) : p) : '–'; }

async function publish() {
  const r = currentReport();
  const status = document.getElementById('publish-status');
  status.className = 'status';
  status.textContent = '';
  try {
    const answer = await postJson(`runs/${encodeURIComponent(r.run_id)}/publish`, {});
    status.textContent = t('versions.published', { week: answer.week || '–', n: answer.superseded.length });
    status.dataset.publication = answer.publication;
    await showVersions(r.run_id);
  } catch (err) {
    status.className = 'status bad';
    status.textContent = t('versions.publish_failed', { detail: errorText(err) });
  }
}

// The lineage of a run: root first, the open run marked.
export async function showVersions(runId) {
  const box = document.getElementById('versions-box');
  const table = clear(document.getElementById('versions-table'));
  try {
    const answer = await getJson(`runs/${encodeURIComponent(runId)}/versions`);
    box.hidden = false;
    table.append(el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('runs.id')), el('th', { scope: 'col' }, t('versions.kind')), el('th', { scope: 'col' }, t('runs.created')),
      el('th', { scope: 'col' }, t('runs.status')), el('th', { scope: 'col', class: 'num' }, t('runs.drivers')),
      el('th', { scope: 'col' }, t('versions.publication')), el('th', { scope: 'col' }, t('runs.action')))));
    table.append(el('tbody', {}, answer.versions.map((v) => el('tr', { dataset: { runId: v.run_id, relation: v.relation, publication: v.publication || '' }, class: v.relation === 'self' ? 'current' : '' },
      el('td', {}, el('code', {}, v.run_id)), el('td', {}, kindText(v.kind)), el('td', {}, dateTime(v.created_at)),
      el('td', {}, has(`status.${v.status}`) ? t(`status.${v.status}`) : v.status),
      el('td', { class: 'num' }, num(v.drivers_total)), el('td', {}, publicationText(v.publication)),
      el('td', {}, v.relation === 'self' ? t('versions.open_now')
        : el('button', { type: 'button', class: 'small', onclick: () => onOpen(v.run_id) }, t('runs.open')))))));
  } catch (err) {
    box.hidden = false;
    table.append(el('caption', { class: 'bad' }, errorText(err)));
  }
}

// Fills both selects from the run list (newest first); B defaults to the newest, A to the one before.
export function setCompareRuns(runs) {
  const done = runs.filter((r) => ['COMPLETED', 'DRAFT_WITH_VIOLATIONS'].includes(r.status));
  for (const [id, pick] of [['compare-a', 1], ['compare-b', 0]]) {
    const select = document.getElementById(id);
    const keep = select.value;
    clear(select);
    for (const r of done) {
      select.append(el('option', { value: r.run_id }, `${dateTime(r.created_at)} · ${kindText(r.kind)} · ${r.result?.drivers_total ?? '–'} ${t('runs.drivers')} · ${r.run_id.slice(-6)}`));
    }
    if (keep && done.some((r) => r.run_id === keep)) select.value = keep;
    else if (done[pick]) select.value = done[pick].run_id;
  }
}

function kpiLabel(name) { return hasOwn(`kpiname.${name}`) ? t(`kpiname.${name}`) : name.replace(/_/g, ' '); }
function ruleLabel(name) { return has(`rule.${name}`) ? t(`rule.${name}`) : (hasOwn(`runfact.${name}`) ? t(`runfact.${name}`) : name.replace(/_/g, ' ')); }

function renderCompare(c) {
  const box = clear(document.getElementById('compare-result'));
  if (!c) return;
  const fmt = (v) => (typeof v === 'number' ? num(v, Number.isInteger(v) ? 0 : 2) : (v ?? '–'));
  const signed = (v) => (typeof v === 'number' ? `${v > 0 ? '+' : ''}${fmt(v)}` : '–');
  box.append(el('h4', {}, t('compare.rules')));
  if (c.config.same || !c.config.differences.length) box.append(el('p', { class: 'muted', id: 'compare-rules-same' }, t('compare.rules_same')));
  else {
    box.append(el('table', { class: 'runs', id: 'compare-rules' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('compare.rule')), el('th', { scope: 'col' }, 'A'), el('th', { scope: 'col' }, 'B'), el('th', { scope: 'col' }, t('compare.delta')))),
      el('tbody', {}, c.config.differences.map((d) => el('tr', { dataset: { rule: d.name } },
        el('th', { scope: 'row' }, ruleLabel(d.name)),
        el('td', {}, d.a_text ?? fmt(d.a)), el('td', {}, d.b_text ?? fmt(d.b)), el('td', {}, d.delta_text ?? signed(d.delta)))))));
  }
  box.append(el('h4', {}, t('compare.kpis')));
  const kpis = Object.entries(c.kpis).filter(([name, v]) => name === 'drivers_total' || (typeof v.delta === 'number' && v.delta !== 0));
  box.append(el('table', { class: 'runs', id: 'compare-kpis' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('compare.kpi')), el('th', { scope: 'col', class: 'num' }, 'A'), el('th', { scope: 'col', class: 'num' }, 'B'), el('th', { scope: 'col', class: 'num' }, t('compare.delta')))),
    el('tbody', {}, kpis.map(([name, v]) => el('tr', { dataset: { kpi: name, delta: String(v.delta) } },
      el('th', { scope: 'row' }, kpiLabel(name)), el('td', { class: 'num' }, fmt(v.a)), el('td', { class: 'num' }, fmt(v.b)), el('td', { class: 'num' }, signed(v.delta)))))));
  box.append(el('h4', {}, t('compare.assignments', { n: num(c.drivers.changed_count), moved: num(c.tours_moved) })));
  if (!c.drivers.changed.length) box.append(el('p', { class: 'muted' }, t('compare.no_changes')));
  else {
    box.append(el('table', { class: 'runs', id: 'compare-drivers' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('calls.driver')), el('th', { scope: 'col' }, t('calls.gained')), el('th', { scope: 'col' }, t('calls.lost')))),
      el('tbody', {}, c.drivers.changed.map((d) => el('tr', { dataset: { driver: d.driver_id } },
        el('th', { scope: 'row' }, d.name ? `${d.name} (${d.driver_id})` : d.driver_id),
        el('td', {}, d.gained.join(', ') || '–'), el('td', {}, d.lost.join(', ') || '–'))))));
  }
}

async function compare(e) {
  e.preventDefault();
  const a = document.getElementById('compare-a').value;
  const b = document.getElementById('compare-b').value;
  const box = clear(document.getElementById('compare-result'));
  if (!a || !b) { box.append(el('p', { class: 'bad' }, t('compare.pick'))); return; }
  try {
    lastCompare = await getJson(`runs/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    renderCompare(lastCompare);
  } catch (err) {
    box.append(el('p', { class: 'error-box', role: 'alert' }, errorText(err)));
  }
}

export function initVersions({ onOpenRunId }) {
  onOpen = onOpenRunId;
  document.getElementById('publish-run').addEventListener('click', publish);
  document.getElementById('compare-form').addEventListener('submit', compare);
  document.addEventListener('languagechange', () => renderCompare(lastCompare));
}
