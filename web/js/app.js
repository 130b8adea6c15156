// The dispatcher page: wires the sections together.
//   upload → preview (POST forecast/preview) [+ driver list: drivers/preview, diagnostics] → settings → POST runs → progress (SSE) → result
//   (report, exports) ; past runs reopen a result. A run id in the URL (#run=<id>) reopens it.
//   On a result: a tour click → candidates and live audit → saved version (edit.js); "Fahrer fällt
//   aus" → re-plan with call list (replan.js); publish, versions, compare (versions.js).
import { ApiError, getJson, getToken, postJson, readyz, setToken } from './api.js';
import { applyI18n, getLang, setLang, t } from './i18n.js';
import { currentPreview, initUpload } from './upload.js';
import { driverModeBody, driversError, initDrivers, refreshDiagnostics } from './drivers.js';
import { collectRunOptions, initSettings, loadSchema } from './settings.js';
import { initProgress, watchRun } from './progress.js';
import { initResult, openResult, setTourHandler } from './result.js';
import { initRuns, refreshRuns } from './runs.js';
import { initEdit, openTour } from './edit.js';
import { initReplan, showChanges } from './replan.js';
import { initVersions, showVersions } from './versions.js';
import { detailMessage } from './messages.js';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'DRAFT_WITH_VIOLATIONS']);  // a draft is a saved edit: finished
let ready = null;
let busy = false;     // the POST that starts a run is on its way
let running = false;  // a run this page started is queued or running: no second one

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
    return t('error.http', { status: err.status, detail: detailMessage(err.detail) });
  }
  return String(err && err.message ? err.message : err);
}

function updateStartButton() {
  const p = currentPreview();
  const button = document.getElementById('start-run');
  const driversFailed = driversError();
  button.disabled = busy || running || !p || !p.tours || Boolean(driversFailed);
  button.textContent = busy ? t('run.starting') : running ? t('run.running') : t('run.start');
  // Why Start is off, next to it: a broken driver list must not silently fall back to virtual drivers.
  const hint = document.getElementById('start-hint');
  hint.textContent = driversFailed ? t('run.drivers_blocked', { detail: driversFailed }) : '';
  hint.hidden = !driversFailed;
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
  running = true;
  updateStartButton();
  try {
    const watching = watchRun(runId, { timeLimit });  // shows the progress section at once
    const progress = document.getElementById('progress-title');
    progress.scrollIntoView({ block: 'start' });
    progress.focus({ preventScroll: true });
    const view = await watching;
    refreshRuns();
    if (FINISHED.has(view.status)) await showRun(runId, view);
  } finally {
    running = false;
    updateStartButton();
  }
}

// A finished run's result, its call list and versions; focus goes to the result heading.
async function showRun(runId, view) {
  const report = await openResult(runId, view);
  if (!report) return;
  showChanges(report);
  showVersions(runId);
  const title = document.getElementById('result-title');
  title.scrollIntoView({ block: 'start' });
  title.focus({ preventScroll: true });
}

async function startRun() {
  const p = currentPreview();
  if (!p || !p.tours) { message(t('run.need_preview'), 'error'); return; }
  if (busy || running || driversError()) return;
  let options;
  try { options = collectRunOptions(); } catch { return; }  // the form shows what is invalid
  busy = true;
  updateStartButton();
  message('');
  try {
    const created = await postJson('runs', { tours: p.tours_json, ...options, ...driverModeBody() });
    busy = false;
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
  await showRun(run.run_id, run);
}

async function openRunId(runId) {
  try { await openRun(await getJson(`runs/${encodeURIComponent(runId)}`)); } catch (err) { message(errorText(err), 'error'); }
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
  setTourHandler(openTour);
  initEdit({ onVersionSaved: (id) => { refreshRuns(); openRunId(id); } });
  initReplan({ onReplanStarted: (id, limit) => follow(id, limit).catch((err) => message(errorText(err), 'error')) });
  initVersions({ onOpenRunId: openRunId });
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
