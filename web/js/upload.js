// Section 1: the forecast file (drag-and-drop or picker) and the parse preview the service returns
// from POST /api/v1/forecast/preview: format, tours and hours per day, parse warnings with lines.
import { apiFetch, ApiError } from './api.js';
import { detailMessage, messageText } from './messages.js';
import { t } from './i18n.js';
import { clear, dayName, el, num } from './format.js';

let preview = null;      // the last successful preview answer
let fileName = '';
let lastError = null;    // {title, text} of the last failure, re-rendered on a language change
let onChange = () => {};

export function currentPreview() { return preview; }
export function currentFileName() { return fileName; }

// The media type the preview route expects: JSON by extension or content, else CSV.
async function contentTypeOf(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.csv') || name.endsWith('.txt') || name.endsWith('.tsv')) return 'text/csv';
  const head = (await file.slice(0, 64).text()).trimStart();
  return head.startsWith('{') || head.startsWith('[') ? 'application/json' : 'text/csv';
}

// True for a ZIP container (XLSX, ODS): its first bytes are "PK\x03\x04".
export async function isZip(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

async function loadFile(file) {
  const status = document.getElementById('upload-status');
  fileName = file.name;
  preview = null;
  lastError = null;
  onChange(null);
  status.textContent = t('upload.reading', { name: file.name });
  renderPreview();
  if (await isZip(file)) {  // an .xlsx is a ZIP: answered here, with what to do about it
    status.textContent = '';
    lastError = { status: 0, excel: true };
    renderPreview();
    onChange(null);
    return;
  }
  try {
    // The raw bytes go up unchanged: the service decides about encodings, BOMs and formats.
    const res = await apiFetch('forecast/preview', {
      method: 'POST', body: file, headers: { 'Content-Type': await contentTypeOf(file) },
    });
    preview = await res.json();
    status.textContent = '';
  } catch (err) {
    status.textContent = '';
    lastError = err instanceof ApiError
      ? { status: err.status, detail: err.detail }
      : { status: 0, detail: String(err.message || err) };
  }
  renderPreview();
  onChange(preview);
}

function renderPreview() {
  const box = clear(document.getElementById('preview'));
  document.getElementById('file-name').textContent = fileName ? `${t('upload.file')}: ${fileName}` : '';
  if (lastError) {
    const text = lastError.excel ? t('upload.excel') : lastError.status === 401 ? t('auth.rejected') : detailMessage(lastError.detail, fileName);
    box.append(el('div', { class: 'error-box', id: 'preview-error', role: 'alert' },
      el('strong', {}, t('preview.error')), el('pre', {}, text)));
    return;
  }
  if (!preview) return;
  const total = preview.per_day.reduce((s, d) => s + d.hours, 0);
  const facts = el('dl', { class: 'facts' },
    el('dt', {}, t('preview.format')), el('dd', { id: 'preview-format' }, t(`format.${preview.format}`)),
    el('dt', {}, t('preview.tours')), el('dd', { id: 'preview-tours' }, num(preview.tours)),
    el('dt', {}, t('preview.hours')), el('dd', { id: 'preview-hours' }, num(preview.total_hours ?? total, 1)));
  if (preview.locations && (preview.locations.length > 1 || preview.locations[0] !== 'DEFAULT')) {
    facts.append(el('dt', {}, t('preview.locations')), el('dd', {}, preview.locations.join(', ')));
  }
  const maxTours = Math.max(1, ...preview.per_day.map((d) => d.tours));
  const rows = preview.per_day.map((d) => el('tr', { class: d.tours ? '' : 'muted', dataset: { day: d.day } },
    el('th', { scope: 'row' }, dayName(d.day)),
    el('td', { class: 'num' }, num(d.tours)),
    el('td', { class: 'num' }, num(d.hours, 1)),
    el('td', { class: 'num' }, d.first_start ?? '–'),
    el('td', { class: 'num' }, d.last_end ? `${d.last_end}${d.last_end_next_day ? ' (+1)' : ''}` : '–'),
    el('td', { class: 'bar-cell' }, el('span', { class: 'bar', dataset: { w: String(d.tours / maxTours) } }))));
  const table = el('table', { class: 'preview-table', id: 'preview-table' },
    el('thead', {}, el('tr', {},
      el('th', {}, t('preview.day')), el('th', { class: 'num' }, t('preview.tours')), el('th', { class: 'num' }, t('preview.hours')),
      el('th', { class: 'num' }, t('preview.first')), el('th', { class: 'num' }, t('preview.last')), el('th', {}, el('span', { class: 'visually-hidden' }, t('preview.bar'))))),
    el('tbody', {}, rows),
    el('tfoot', {}, el('tr', {},
      el('th', {}, t('preview.total')), el('td', { class: 'num' }, num(preview.tours)),
      el('td', { class: 'num' }, num(preview.total_hours ?? total, 1)), el('td'), el('td'), el('td'))));
  // Bar widths through the CSSOM (allowed by the page's Content-Security-Policy, unlike style="").
  for (const bar of table.querySelectorAll('.bar')) bar.style.width = `${Math.round(Number(bar.dataset.w) * 100)}%`;
  const warnings = el('div', { class: 'warnings', id: 'preview-warnings' }, el('h4', {}, t('preview.warnings')));
  if (!preview.warnings.length) warnings.append(el('p', { class: 'muted' }, t('preview.no_warnings')));
  else {
    warnings.append(el('ul', {}, preview.warnings.map((w) => el('li', { dataset: { line: w.line } },
      w.line ? el('strong', {}, `${t('preview.warning_line', { line: w.line })}: `) : '', messageText(w.message, fileName).replace(/^(Zeile|line) \d+:\s*/i, '')))));
  }
  box.append(el('h3', {}, t('preview.title')), facts, table, warnings);
  if (!preview.tours) box.append(el('p', { class: 'error-box' }, t('preview.empty')));
}

export function initUpload({ onPreviewChange }) {
  onChange = onPreviewChange;
  const zone = document.getElementById('dropzone');
  const input = document.getElementById('file-input');
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) loadFile(input.files[0]);
    input.value = '';  // choosing the same file again reloads it
  });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) loadFile(file);
  });
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); }
  });
  // A file dropped next to the zone must not make the browser navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  document.addEventListener('languagechange', renderPreview);
}

