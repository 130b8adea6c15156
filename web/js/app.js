// The dispatcher page: wires the sections together.
//   upload → preview (POST forecast/preview) [+ driver list: drivers/preview, diagnostics] → settings → POST runs → progress (SSE) → result
//   (report, exports) ; past runs reopen a result. A run id in the URL (#run=<id>) reopens it.
import { ApiError, detailText, getJson, getToken, postJson, readyz, setToken } from './api.js';
import { applyI18n, getLang, setLang, t } from './i18n.js';
import { currentPreview, initUpload } from './upload.js';
import { driverModeBody, initDrivers, refreshDiagnostics } from './drivers.js';
import { collectRunOptions, initSettings, loadSchema } from './settings.js';
import { initProgress, watchRun } from './progress.js';
import { initResult, openResult } from './result.js';
import { initRuns, refreshRuns } from './runs.js';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
let ready = null;
let busy = false;

function message(text, kind = 'info') {
  const box = document.getElementById('message');
  box.textContent = text || '';
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 401) return t('auth.rejected');
    if (err.status === 0) return t('error.network', { detail: err.message });
    if (err.status === 429) return t('error.queue_full', { seconds: err.headers?.get('Retry-After') || '?' });
    return t('error.http', { status: err.status, detail: detailText(err.detail) });
  }
  return String(err && err.message ? err.message : err);
}

function updateStartButton() {
  const p = currentPreview();
  const button = document.getElementById('start-run');
  button.disabled = busy || !p || !p.tours;
  button.textContent = busy ? t('run.starting') : t('run.start');
}

async function loadSettings() {
  try {
    await loadSchema(ready);
    message('');
  } catch (err) {
    message(err instanceof ApiError && err.status === 401 ? t('auth.needed') : errorText(err), 'error');
  }
}

// Follows a run to its end and shows its result.
async function follow(runId, timeLimit) {
  window.history.replaceState(null, '', `#run=${encodeURIComponent(runId)}`);
  document.getElementById('progress-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  const view = await watchRun(runId, { timeLimit });
  refreshRuns();
  if (FINISHED.has(view.status)) {
    const report = await openResult(runId, view);
    if (report) document.getElementById('result-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }
}

async function startRun() {
  const p = currentPreview();
  if (!p || !p.tours) { message(t('run.need_preview'), 'error'); return; }
  let options;
  try { options = collectRunOptions(); } catch { return; }  // the form shows what is invalid
  busy = true;
  updateStartButton();
  message('');
  try {
    const created = await postJson('runs', { tours: p.tours_json, ...options, ...driverModeBody() });
    busy = false;
    updateStartButton();
    await follow(created.run_id, options.time_limit_seconds);
  } catch (err) {
    message(errorText(err), 'error');
  } finally {
    busy = false;
    updateStartButton();
  }
}

async function openRun(run) {
  if (!FINISHED.has(run.status)) { await follow(run.run_id, run.time_limit_seconds); return; }
  window.history.replaceState(null, '', `#run=${encodeURIComponent(run.run_id)}`);
  document.getElementById('progress-section').hidden = true;
  const report = await openResult(run.run_id, run);
  if (report) document.getElementById('result-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function initToken() {
  const input = document.getElementById('token');
  input.value = getToken();
  document.getElementById('token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    message(input.value.trim() ? t('auth.saved') : t('auth.cleared'), 'info');
    await loadSettings();
    await refreshRuns();
  });
}

function initLanguage() {
  const button = document.getElementById('lang-toggle');
  const label = () => { button.textContent = t('lang.toggle'); };
  button.addEventListener('click', () => { setLang(getLang() === 'de' ? 'en' : 'de'); });
  document.addEventListener('languagechange', () => { label(); updateStartButton(); showVersion(); });
  label();
}

function showVersion() {
  const footer = document.getElementById('footer-version');
  footer.textContent = ready && ready.version ? t('footer.version', { version: `${ready.version}${ready.git_commit ? ` (${ready.git_commit})` : ''}` }) : '';
}

async function boot() {
  applyI18n(document);
  initLanguage();
  initToken();
  initUpload({ onPreviewChange: () => { updateStartButton(); refreshDiagnostics(); } });
  initDrivers({ getTours: () => currentPreview()?.tours_json ?? null, onDriversChange: updateStartButton });
  initSettings();
  initProgress();
  initResult();
  initRuns({ onOpenRun: openRun });
  document.getElementById('start-run').addEventListener('click', startRun);
  updateStartButton();
  ready = await readyz();
  showVersion();
  await loadSettings();
  await refreshRuns();
  const m = /^#run=([\w.-]+)$/.exec(window.location.hash);
  if (m) {
    try { await openRun(await getJson(`runs/${m[1]}`)); } catch (err) { message(errorText(err), 'error'); }
  }
  document.body.dataset.ready = 'true';  // for end-to-end tests: the page finished booting
}

boot();
