// The HTTP contract of api.md, seen from the page: every request carries the bearer token (when
// one is stored), errors become ApiError with the service's "detail", Server-Sent Events are read
// with fetch (EventSource cannot send an Authorization header), downloads go through a Blob.

const TOKEN_KEY = 'so.apiToken';

export function getToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage blocked: the token lives for this page only */ }
  memoryToken = token;
}
let memoryToken = getToken();

// Relative to the page, so the page also works behind a proxy under a path prefix.
export function apiUrl(path) {
  return new URL(`api/v1/${path.replace(/^\/+/, '')}`, document.baseURI).toString();
}

export class ApiError extends Error {
  constructor(status, detail, body, headers) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
    this.body = body;
    this.headers = headers;
  }
}

// "detail" as one readable text: FastAPI 422 lists become "loc: msg" lines.
export function detailText(detail) {
  if (detail == null) return '';
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const loc = Array.isArray(d.loc) ? d.loc.filter((x) => x !== 'body').join('.') : '';
      const msg = d.msg ?? JSON.stringify(d);
      return loc && !String(msg).includes(loc) ? `${loc}: ${msg}` : String(msg);
    }).join('\n');
  }
  return JSON.stringify(detail);
}

function authHeaders(extra = {}) {
  const headers = { ...extra };
  const token = memoryToken || getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function raise(res) {
  let body = null;
  let detail = `${res.status} ${res.statusText}`;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
    if (body && body.detail !== undefined) detail = body.detail;
  } catch { /* not JSON: keep the status line */ }
  throw new ApiError(res.status, detail, body, res.headers);
}

// fetch + auth + error mapping; returns the Response (ok) for the caller to read.
export async function apiFetch(path, { method = 'GET', body, headers = {}, signal } = {}) {
  let res;
  try {
    res = await fetch(apiUrl(path), { method, body, headers: authHeaders(headers), signal, cache: 'no-store' });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, err.message || String(err));
  }
  if (!res.ok) await raise(res);
  return res;
}

export async function getJson(path, opts = {}) {
  const res = await apiFetch(path, opts);
  return res.json();
}

export async function postJson(path, payload, opts = {}) {
  const res = await apiFetch(path, {
    ...opts, method: 'POST', body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json' },
  });
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// Probes need no token (api.md §7); used for the version and the process-wide feature flags.
export async function readyz() {
  try {
    const res = await fetch(apiUrl('readyz'), { cache: 'no-store' });
    return await res.json();
  } catch { return null; }
}

// Parses one SSE frame ("id:", "event:", "data:" lines) into {id, event, data}.
function parseFrame(frame) {
  const ev = { id: null, event: 'message', data: '' };
  const data = [];
  for (const raw of frame.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') ev.id = value;
    else if (field === 'event') ev.event = value;
    else if (field === 'data') data.push(value);
  }
  ev.data = data.join('\n');
  try { ev.json = ev.data ? JSON.parse(ev.data) : null; } catch { ev.json = null; }
  return ev;
}

// Reads GET /runs/{id}/events until the stream closes. onEvent({id, event, data, json}) is called
// per event; returns the last event id seen (for a Last-Event-ID reconnect).
export async function readEvents(runId, { lastEventId = null, onEvent, signal } = {}) {
  const headers = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = String(lastEventId);
  const res = await apiFetch(`runs/${encodeURIComponent(runId)}/events`, { headers, signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let last = lastEventId;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const ev = parseFrame(frame);
      if (ev.id) last = ev.id;
      if (ev.data || ev.event !== 'message') onEvent(ev);
    }
  }
  if (buffer.trim()) {
    const ev = parseFrame(buffer);
    if (ev.id) last = ev.id;
    onEvent(ev);
  }
  return last;
}

// The file name of a Content-Disposition header, or the fallback.
function dispositionName(header, fallback) {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header || '');
  return m ? decodeURIComponent(m[1]) : fallback;
}

// Fetches an export with the auth header and saves it through a temporary Blob link.
export async function download(path, fallbackName) {
  const res = await apiFetch(path);
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, size: blob.size };
}
