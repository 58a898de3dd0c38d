// The dashboard: every figure shown is one the API answered; the page only formats and arranges them.
const $ = (id) => document.getElementById(id);
const LANGUAGES = ['nl', 'fr', 'en'];
const state = {
  texts: {}, lang: 'en', locale: 'en-BE', session: null, devices: [], deviceId: null, role: null,
  events: null, realtime: null, month: null, year: null, series: null, quarterStart: null, readingQuarter: null, charts: {},
};

// ---------- language and formats ----------
function pickLanguage() {
  const saved = localStorage.getItem('p1.lang');
  if (LANGUAGES.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language]) {
    const base = (l || '').slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

async function setLanguage(lang) {
  const response = await fetch(`/app/i18n/${lang}.json`);
  state.texts = await response.json();
  state.lang = lang;
  state.locale = state.texts.locale;
  document.documentElement.lang = lang;
  $('language').value = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  document.title = t('title');
  renderAll();
}

function t(key, values = {}) {
  const text = state.texts[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

const formats = new Map();
function format(options) {
  const key = state.locale + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(state.locale, options));
  return formats.get(key);
}
const kw = (w) => (w === null || w === undefined ? '—' : format({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(w / 1000));
const num = (n, digits = 0) => (n === null || n === undefined ? '—' : format({ maximumFractionDigits: digits }).format(n));
const eur = (n) => (n === null || n === undefined ? '—' : format({ style: 'currency', currency: 'EUR' }).format(n));
function dateTime(iso, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!iso) return '';
  const zone = state.month?.timezone;
  return new Intl.DateTimeFormat(state.locale, zone ? { ...options, timeZone: zone } : options).format(new Date(iso));
}

// ---------- API ----------
class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status; this.problem = problem; this.headers = headers;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (options.body && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET' && state.session) headers[state.session.antiforgery_header] = state.session.antiforgery_token;
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers });
  if (response.status === 204) return null;
  const body = (response.headers.get('content-type') || '').includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body, response.headers);
  return body;
}

// ---------- sign-in ----------
function show(id, visible) { $(id).hidden = !visible; }

async function start() {
  await setLanguage(pickLanguage());
  $('language').addEventListener('change', (e) => { localStorage.setItem('p1.lang', e.target.value); setLanguage(e.target.value); });
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('device').addEventListener('change', (e) => openDevice(e.target.value));
  $('month-pick').addEventListener('change', () => loadMonth());
  $('year-pick').addEventListener('change', () => loadYear());
  $('history-form').addEventListener('submit', (e) => { e.preventDefault(); loadHistory(); });
  $('export-form').addEventListener('input', updateExportLinks);
  $('settings-form').addEventListener('submit', saveSettings);
  window.addEventListener('resize', () => resizeCharts());
  setInterval(tick, 1000);
  // The device list carries each edge's last upload: refreshed often enough that its age stays true.
  setInterval(() => state.session && loadDevices().catch(() => {}), 15000);
  try {
    const { signed_in: known } = await api('/app/state');
    if (!known) { showSignIn(''); return; }
    state.session = await api('/v1/session');
    await signedIn();
  } catch (error) {
    showSignIn(error.status === 401 || error.status === 403 ? '' : error.message);
  }
}

function showSignIn(message) {
  show('loading', false); show('app', false); show('sign-out', false); show('device-picker', false);
  show('sign-in', true);
  $('sign-in-error').textContent = message || '';
  show('sign-in-error', Boolean(message));
}

async function signIn(event) {
  event.preventDefault();
  const username = $('username').value, password = $('password').value;
  try {
    state.session = await api('/login', { method: 'POST', body: JSON.stringify({ username, password }) });
    $('password').value = '';
    await signedIn();
  } catch (error) {
    const message = error.status === 401 ? t('wrongPassword')
      : error.status === 429 ? t('tooMany', { s: error.headers?.get('Retry-After') ?? '60' })
        : t('signInFailed', { detail: error.message });
    showSignIn(message);
    $('password').focus();
  }
}

async function signOut() {
  try { await api('/logout', { method: 'POST' }); } catch { /* the session ends either way */ }
  closeEvents();
  state.session = null; state.deviceId = null;
  showSignIn('');
  $('username').focus();
}

async function signedIn() {
  show('sign-in', false); show('loading', false); show('app', true); show('sign-out', true);
  await loadDevices();
  const wanted = new URLSearchParams(location.hash.slice(1)).get('device');
  const ids = state.devices.map((d) => d.device_id);
  const id = ids.includes(wanted) ? wanted : ids[0];
  if (id) await openDevice(id);
  else { $('device-name').textContent = t('noData'); }
}

async function loadDevices() {
  const answer = await api('/v1/devices');
  state.devices = answer.devices;
  const several = state.devices.length > 1;
  show('overview', several); show('device-picker', several);
  const select = $('device');
  select.replaceChildren(...state.devices.map((d) => new Option(d.name || d.device_id, d.device_id)));
  if (state.deviceId) select.value = state.deviceId;
  renderOverview(); renderQuality();
}

function renderOverview() {
  const list = $('overview-cards');
  list.replaceChildren(...state.devices.map((d) => {
    const li = document.createElement('li');
    const title = document.createElement('h3'); title.textContent = d.name || d.device_id;
    const figures = document.createElement('dl'); figures.className = 'figures';
    figures.append(figure(t('livePower'), `${kw(d.power_w)} kW`), figure(t('monthPeak'), `${kw(d.month_peak_w)} kW`));
    const status = document.createElement('p');
    status.innerHTML = '';
    const badge = document.createElement('span'); badge.className = `badge ${d.status}`; badge.textContent = t(`status_${d.status}`);
    status.append(badge, d.last_reading_ts ? ` ${t('lastReading', { when: dateTime(d.last_reading_ts) })}` : '');
    const button = document.createElement('button'); button.type = 'button';
    button.textContent = `${t('open')}: ${d.name || d.device_id}`;
    button.addEventListener('click', () => { openDevice(d.device_id); $('now').scrollIntoView(); });
    li.append(title, figures, status, button);
    return li;
  }));
}

function figure(label, value) {
  const div = document.createElement('div');
  const dt = document.createElement('dt'); dt.textContent = label;
  const dd = document.createElement('dd'); dd.textContent = value;
  div.append(dt, dd);
  return div;
}

// ---------- one device ----------
async function openDevice(id) {
  state.deviceId = id;
  history.replaceState(null, '', `#device=${encodeURIComponent(id)}`);
  $('device').value = id;
  const device = state.devices.find((d) => d.device_id === id);
  $('device-name').textContent = device?.name || id;
  const grant = state.session?.devices?.find((d) => d.device_id === id);
  state.role = device?.access || grant?.role || (state.session?.admin ? 'admin' : 'viewer');
  const manages = state.role === 'owner' || state.role === 'admin' || state.session?.admin;
  show('settings', manages); show('settings-link', manages);
  state.realtime = null; state.quarterStart = null; state.readingQuarter = null; state.month = null; state.year = null; state.series = null;
  const today = new Date();
  $('month-pick').value = isoMonth(today);
  $('year-pick').value = String(today.getFullYear());
  $('history-date').value = isoDate(today);
  $('export-from').value = `${isoMonth(today)}-01`;
  $('export-to').value = isoDate(new Date(today.getTime() + 86400000));
  updateExportLinks();
  connectEvents(id);
  await Promise.allSettled([loadMonth(), loadYear(), loadHistory(), manages ? loadSettings() : null]);
  renderQuality();
}

const pad = (n) => String(n).padStart(2, '0');
const isoMonth = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
const isoDate = (d) => `${isoMonth(d)}-${pad(d.getDate())}`;
const q = (id) => `device_id=${encodeURIComponent(id)}`;

function closeEvents() { if (state.events) { state.events.close(); state.events = null; } }

function connectEvents(id) {
  closeEvents();
  const events = new EventSource(`/v1/live?${q(id)}`);
  events.addEventListener('realtime', (e) => {
    if (state.deviceId !== id) return;
    state.realtime = JSON.parse(e.data);
    renderRealtime();
  });
  events.addEventListener('no_data', () => { state.realtime = null; renderRealtime(); });
  state.events = events;
}

function renderRealtime() {
  const r = state.realtime;
  $('live-power').textContent = r ? kw(r.power_w) : '—';
  // Which reading the number is, for anyone measuring how fresh it is.
  $('live-power').dataset.readingTs = r?.ts ?? '';
  $('live-direction').textContent = r ? (r.power_w < 0 ? t('exporting') : t('importing')) : t('noData');
  $('phase-l1').textContent = r?.power_l1_w != null ? `${kw(r.power_l1_w)} kW` : '—';
  $('phase-l2').textContent = r?.power_l2_w != null ? `${kw(r.power_l2_w)} kW` : '—';
  $('phase-l3').textContent = r?.power_l3_w != null ? `${kw(r.power_l3_w)} kW` : '—';
  $('meter-average').textContent = kw(r?.average_power_15m_w);
  tick();
  const lq = r?.live_quarter;
  $('quarter-average').textContent = kw(lq?.average_power_so_far_w);
  $('quarter-projection').textContent = kw(lq?.projected_average_power_w);
  $('quarter-target').textContent = kw(lq?.target_w);
  $('quarter-remaining').textContent = kw(lq?.remaining_power_w);
  $('quarter-seconds').textContent = lq ? num(Math.round(lq.seconds_left)) : '—';
  const stateEl = $('quarter-state');
  stateEl.dataset.state = lq?.state ?? '';
  stateEl.textContent = lq ? t(`state_${lq.state}`) : (r ? t('noLiveQuarter') : '—');
  renderGauge(lq);
  // A quarter has completed (the clock passed its end), or the first reading after its end arrived, which is
  // what the month's figures take its closing register from: either changes them.
  const readingQuarter = r ? Math.floor(Date.parse(r.ts) / 900000) : null;
  const quarterPassed = lq && state.quarterStart && lq.start !== state.quarterStart;
  const quarterClosed = readingQuarter != null && state.readingQuarter != null && readingQuarter > state.readingQuarter;
  if ((quarterPassed || quarterClosed) && $('month-pick').value === isoMonth(new Date())) {
    loadMonth();
  }
  state.quarterStart = lq?.start ?? null;
  state.readingQuarter = readingQuarter;
}

function renderGauge(lq) {
  const gauge = $('gauge');
  gauge.classList.toggle('risk', lq?.state === 'at_risk');
  gauge.classList.toggle('certain', lq?.state === 'new_peak_certain');
  if (!lq) {
    $('gauge-value').setAttribute('stroke-dasharray', '0 100');
    $('gauge-projection').setAttribute('stroke-dasharray', '0 100');
    return;
  }
  // The dial's full scale leaves room above the largest of the three figures.
  const scale = Math.max(lq.target_w, lq.projected_average_power_w, lq.average_power_so_far_w) * 1.15;
  const share = (w) => Math.max(0, Math.min(100, (w / scale) * 100));
  $('gauge-value').setAttribute('stroke-dasharray', `${share(lq.average_power_so_far_w)} 100`);
  $('gauge-projection').setAttribute('stroke-dasharray', `${share(lq.projected_average_power_w)} 100`);
  const angle = Math.PI * (1 - share(lq.target_w) / 100);
  const target = $('gauge-target');
  target.setAttribute('x1', 100 + 70 * Math.cos(angle)); target.setAttribute('y1', 100 - 70 * Math.sin(angle));
  target.setAttribute('x2', 100 + 92 * Math.cos(angle)); target.setAttribute('y2', 100 - 92 * Math.sin(angle));
  $('gauge-label').textContent = t('gaugeLabel', {
    avg: kw(lq.average_power_so_far_w), target: kw(lq.target_w), proj: kw(lq.projected_average_power_w),
  });
}

function tick() {
  renderUpload();
  const r = state.realtime;
  if (!r) { $('reading-age').textContent = '—'; return; }
  const seconds = Math.max(0, Math.round((Date.now() - new Date(r.ts).getTime()) / 1000));
  $('reading-age').textContent = seconds < 120 ? t('ageSeconds', { n: num(seconds) }) : t('ageMinutes', { n: num(Math.floor(seconds / 60)) });
}

// An upload older than this is shown as a warning: an edge uploads every few seconds while it is running.
const UPLOAD_WARNING_S = 300;

function renderQuality() {
  const el = $('quality');
  const d = state.devices.find((x) => x.device_id === state.deviceId);
  if (!d) { el.replaceChildren(); return; }
  const badge = document.createElement('span'); badge.className = `badge ${d.status}`; badge.textContent = t(`status_${d.status}`);
  const parts = [];
  if (d.last_reading_ts) parts.push(t('lastReading', { when: dateTime(d.last_reading_ts) }));
  if (state.month) parts.push(`${t('gaps')}: ${state.month.gap_quarters ? t('gapsValue', { n: num(state.month.gap_quarters) }) : t('noGaps')}`);
  const upload = document.createElement('span');
  upload.id = 'last-upload'; upload.dataset.testid = 'last-upload';
  el.replaceChildren(badge, ` ${parts.join(' · ')}`, upload);
  renderUpload();
}

// The upload's age ticks every second between the device list's refreshes.
function renderUpload() {
  const el = $('last-upload');
  if (!el) return;
  const at = state.devices.find((x) => x.device_id === state.deviceId)?.last_upload_at;
  if (!at) { el.textContent = ` · ${t('lastUploadUnknown')}`; el.className = ''; return; }
  const seconds = Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));
  const age = seconds < 120 ? t('ageSeconds', { n: num(seconds) }) : t('ageMinutes', { n: num(Math.floor(seconds / 60)) });
  el.textContent = ` · ${t('lastUpload', { age })}`;
  el.className = seconds > UPLOAD_WARNING_S ? 'warning' : '';
  el.dataset.ageS = String(seconds);
}

// ---------- month ----------
async function loadMonth() {
  const id = state.deviceId, month = $('month-pick').value;
  if (!id || !month) return;
  try {
    const answer = await api(`/v1/capacity/month/${month}?${q(id)}`);
    if (state.deviceId !== id) return;
    state.month = answer;
  } catch (error) { state.month = null; showError('month-chart', error); }
  renderMonth(); renderQuality();
}

function renderMonth() {
  const m = state.month;
  $('month-peak').textContent = kw(m?.monthly_peak_w);
  $('month-peak-ts').textContent = m?.monthly_peak_ts ? dateTime(m.monthly_peak_ts) : '';
  $('billed-peak').textContent = kw(m?.billed_peak_w);
  $('rolling-average').textContent = kw(m?.rolling_12m_average_w);
  $('month-cost').textContent = eur(m?.cost_eur_incl_vat);
  $('meter-peak').textContent = kw(m?.monthly_power_peak_w);
  $('meter-peak-ts').textContent = m?.monthly_power_peak_ts ? dateTime(m.monthly_power_peak_ts) : '';
  $('month-gaps').textContent = m ? (m.gap_quarters ? t('gapsValue', { n: num(m.gap_quarters) }) : t('noGaps')) : '—';
  $('top-five').replaceChildren(...(m?.top_quarters ?? []).map((p) => {
    const tr = document.createElement('tr');
    const when = document.createElement('td'); when.textContent = dateTime(p.start);
    const value = document.createElement('td'); value.className = 'num'; value.textContent = kw(p.average_power_w);
    tr.append(when, value);
    return tr;
  }));
  const days = m?.daily_peaks ?? [];
  $('daily-rows').replaceChildren(...days.map((d) => {
    const tr = document.createElement('tr');
    if (d.peak_w === null) tr.className = 'no-data';
    const date = document.createElement('th'); date.scope = 'row'; date.textContent = dayText(d.date, { dateStyle: 'medium' });
    const value = document.createElement('td'); value.className = 'num'; value.textContent = kw(d.peak_w);
    const gaps = document.createElement('td'); gaps.className = 'num'; gaps.textContent = num(d.gap_quarters);
    tr.append(date, value, gaps);
    return tr;
  }));
  if (!m || !window.uPlot) return;
  // Gaps become null points so that the line breaks where the data does.
  const points = m.peaks.map((p) => [Date.parse(p.start) / 1000, p.average_power_w / 1000]);
  for (const gap of m.gaps) points.push([Date.parse(gap.start) / 1000, null]);
  points.sort((a, b) => a[0] - b[0]);
  const peakTs = m.monthly_peak_ts ? Date.parse(m.monthly_peak_ts) / 1000 : null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const peak = points.map((p) => (p[0] === peakTs ? p[1] : null));
  const billed = xs.map(() => (m.billed_peak_w ?? 0) / 1000);
  drawChart('month-chart', [xs, ys, peak, billed], {
    series: [{}, line(t('quarterKw'), 'accent'), pointSeries(t('peak'), 'certain'), dashed(t('billedPeak'), 'muted')],
    time: true,
    zone: m.timezone,
    xRange: [Date.parse(m.from) / 1000, Date.parse(m.to) / 1000],
  });
  // The server's daily peaks, one bar per local day at its day of the month; a day without data has no bar,
  // and the axis spans the whole month so that the days still to come show as room.
  const [year, monthNumber] = m.month.split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const dayNumbers = days.map((d) => Number(d.date.slice(8, 10)));
  drawChart('daily-chart', [dayNumbers, days.map((d) => (d.peak_w === null ? null : d.peak_w / 1000))], {
    series: [{}, bars(t('dailyPeaks'), 'accent', 0)],
    short: true,
    xValues: (values) => values.map((v) => (Number.isInteger(v) && v >= 1 && v <= daysInMonth ? num(v) : '')),
    xLabel: t('date'),
    xRange: [0.5, daysInMonth + 0.5],
  });
}

// A local date of the API ("2026-03-01") in the page's locale; noon UTC keeps it on its own day everywhere.
function dayText(date, options) {
  const [y, mo, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(state.locale, { ...options, timeZone: 'UTC' }).format(Date.UTC(y, mo - 1, d, 12));
}

// ---------- year ----------
async function loadYear() {
  const id = state.deviceId, year = $('year-pick').value;
  if (!id || !/^\d{4}$/.test(year)) return;
  try {
    const answer = await api(`/v1/capacity/year/${year}?${q(id)}`);
    if (state.deviceId !== id) return;
    state.year = answer;
  } catch (error) { state.year = null; showError('year-chart', error); }
  renderYear();
}

function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(state.locale, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 15));
}

function renderYear() {
  const y = state.year;
  $('year-cost').textContent = eur(y?.cost_eur_incl_vat);
  $('year-rows').replaceChildren(...(y?.months ?? []).map((m) => {
    const tr = document.createElement('tr');
    const name = document.createElement('th'); name.scope = 'row'; name.textContent = monthName(m.month);
    tr.append(name);
    for (const value of [kw(m.monthly_peak_w), kw(m.billed_peak_w), kw(m.rolling_12m_average_w), eur(m.cost_eur_incl_vat)]) {
      const td = document.createElement('td'); td.className = 'num'; td.textContent = value; tr.append(td);
    }
    return tr;
  }));
  if (!y || !window.uPlot) return;
  const xs = y.months.map((_, i) => i + 1);
  const kwOf = (w) => (w === null || w === undefined ? null : w / 1000);
  drawChart('year-chart', [
    xs,
    y.months.map((m) => kwOf(m.monthly_peak_w)),
    y.months.map((m) => kwOf(m.billed_peak_w)),
    y.months.map((m) => kwOf(m.rolling_12m_average_w)),
    xs.map(() => 2.5),
  ], {
    series: [{}, bars(t('monthPeak'), 'accent', -1), bars(t('billedPeak'), 'chart2', 1), line(t('rollingAverage'), 'certain'), dashed(t('floor'), 'muted')],
    xValues: (values) => values.map((v) => (Number.isInteger(v) && y.months[v - 1] ? monthName(y.months[v - 1].month) : '')),
    xRange: [0.5, xs.length + 0.5],
  });
}

// ---------- history ----------
async function loadHistory() {
  const id = state.deviceId;
  if (!id) return;
  const params = new URLSearchParams({ device_id: id, frame: $('history-frame').value, date: $('history-date').value, bucket: $('history-bucket').value });
  show('history-error', false);
  try {
    const answer = await api(`/v1/series?${params}`);
    if (state.deviceId !== id) return;
    state.series = answer;
  } catch (error) {
    state.series = null;
    $('history-error').textContent = t('error', { detail: error.message });
    show('history-error', true);
  }
  renderHistory();
}

function renderHistory() {
  const s = state.series;
  if (!s || !window.uPlot) { destroyChart('history-chart'); return; }
  const xs = s.series.map((p) => Date.parse(p.start) / 1000);
  drawChart('history-chart', [xs, s.series.map((p) => p.energy_import_kwh), s.series.map((p) => p.energy_export_kwh)], {
    series: [{}, bars(t('importKwh'), 'import', -1), bars(t('exportKwh'), 'export', 1)],
    time: true,
    zone: s.timezone,
    digits: 2,
    // The asked period, whatever it holds: a lone bucket would leave the scale to guess a span.
    xRange: [Date.parse(s.from) / 1000, Date.parse(s.to) / 1000],
  });
}

// ---------- export and settings ----------
function updateExportLinks() {
  const id = state.deviceId;
  if (!id) return;
  for (const format of ['csv', 'json']) {
    const params = new URLSearchParams({ device_id: id, from: $('export-from').value, to: $('export-to').value, format, resolution: $('export-resolution').value });
    $(`export-${format}`).href = `/v1/export?${params}`;
  }
}

const SETTINGS = [['set-name', 'name', 'text'], ['set-timezone', 'timezone', 'text'], ['set-grid', 'grid_area', 'text'],
  ['set-tariff', 'tariff_eur_per_kw_year', 'number'], ['set-vat', 'vat_pct', 'number'], ['set-goal', 'goal_peak_w', 'number']];

async function loadSettings() {
  const id = state.deviceId;
  try {
    const s = await api(`/v1/devices/${encodeURIComponent(id)}/settings`);
    for (const [input, field] of SETTINGS) $(input).value = s[field] ?? '';
    $('settings-message').textContent = '';
  } catch (error) { $('settings-message').textContent = t('error', { detail: error.message }); }
}

async function saveSettings(event) {
  event.preventDefault();
  const body = {};
  for (const [input, field, kind] of SETTINGS) {
    const raw = $(input).value.trim();
    body[field] = raw === '' ? null : kind === 'number' ? Number(raw.replace(',', '.')) : raw;
  }
  const message = $('settings-message');
  try {
    await api(`/v1/devices/${encodeURIComponent(state.deviceId)}/settings`, { method: 'PUT', body: JSON.stringify(body) });
    message.textContent = t('saved');
    await loadDevices();
    await Promise.allSettled([loadMonth(), loadYear()]);
  } catch (error) { message.textContent = t('error', { detail: error.message }); }
}

// ---------- charts ----------
const color = (name) => getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
const line = (label, c) => ({ label, stroke: color(c), width: 1.5, points: { show: false }, value: (u, v) => kwText(v) });
const dashed = (label, c) => ({ label, stroke: color(c), width: 1, dash: [6, 4], points: { show: false }, value: (u, v) => kwText(v) });
const pointSeries = (label, c) => ({ label, stroke: color(c), fill: color(c), width: 0, paths: () => null, points: { show: true, size: 10 }, value: (u, v) => kwText(v) });
const bars = (label, c, align) => ({
  label, stroke: color(c), fill: color(c), width: 0, points: { show: false }, value: (u, v) => kwText(v),
  paths: window.uPlot ? uPlot.paths.bars({ size: [align === 0 ? 0.7 : 0.4, 60], align }) : undefined,
});
const kwText = (v) => (v === null || v === undefined ? '—' : format({ maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(v));

function destroyChart(id) {
  state.charts[id]?.chart.destroy();
  delete state.charts[id];
  $(id).replaceChildren();
}

function showError(id, error) {
  destroyChart(id);
  const p = document.createElement('p'); p.className = 'error'; p.textContent = t('error', { detail: error.message });
  $(id).append(p);
}

function chartSize(id, short) {
  const width = Math.max(280, $(id).clientWidth);
  return { width, height: short ? 200 : Math.min(320, Math.max(220, Math.round(width * 0.4))) };
}

function drawChart(id, data, spec) {
  destroyChart(id);
  const zone = spec.zone || state.month?.timezone;
  const axis = { stroke: color('muted'), grid: { stroke: color('line'), width: 1 }, ticks: { stroke: color('line') } };
  const options = {
    ...chartSize(id, spec.short),
    series: spec.series,
    scales: { x: spec.time ? { time: true } : { time: false, range: spec.xRange } },
    axes: [
      { ...axis, ...(spec.xValues ? { values: (u, v) => spec.xValues(v) } : {}) },
      { ...axis, values: (u, v) => v.map((x) => format({ maximumFractionDigits: spec.digits ?? 1 }).format(x)) },
    ],
    legend: { live: true },
    cursor: { points: { show: false } },
    ...(spec.time && zone ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone) } : {}),
  };
  if (spec.time) {
    options.scales.x.range = spec.xRange ? () => spec.xRange : undefined;
    options.axes[0].values = timeAxisValues(zone, spec.days);
    options.series[0] = { label: t('when'), value: (u, v) => (v == null ? '—' : timeText(v, zone, spec.days ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' })) };
  }
  else options.series[0] = { label: spec.xLabel ?? t('monthCol'), value: (u, v) => (v == null ? '—' : spec.xValues([v])[0]) };
  // Power and energy bars start at zero, so that heights compare.
  options.scales.y = { range: (u, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, 0.5) * 1.1] };
  const chart = new uPlot(options, data, $(id));
  state.charts[id] = { chart, spec };
}

function timeText(seconds, zone, options) {
  return new Intl.DateTimeFormat(state.locale, zone ? { ...options, timeZone: zone } : options).format(new Date(seconds * 1000));
}

function timeAxisValues(zone, days) {
  return (u, splits) => {
    const span = u.scales.x.max - u.scales.x.min;
    const options = !days && span <= 2 * 86400 ? { hour: '2-digit', minute: '2-digit' }
      : span <= 120 * 86400 ? { day: 'numeric', month: 'short' } : { month: 'short', year: 'numeric' };
    return splits.map((s) => timeText(s, zone, options));
  };
}

function resizeCharts() {
  for (const [id, { chart, spec }] of Object.entries(state.charts)) chart.setSize(chartSize(id, spec.short));
}

function renderAll() {
  if (!state.session) return;
  renderOverview(); renderQuality(); renderRealtime(); renderMonth(); renderYear(); renderHistory();
}

start();
