// berth's dashboard script (an ES module: its names stay its own). It keeps
// server-rendered parts of a page live, and runs stack actions in place.
// Everything it shows is HTML the server rendered (and escaped) or text it
// sets as text. Without it every page still works: forms post, links
// navigate, a reload shows the news.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
/** What each event of the stream is handed to: (type, data) => void. */
const handlers = [];

function say(text) {
  const status = document.getElementById('live-status');
  if (status && status.textContent !== text) status.textContent = text;
}

// A part of the page is fetched again from its own URL (data-live) when one
// of its events arrives (data-live-on; for one stack or job only with
// data-live-stack / data-live-job), after a reconnection, or every
// data-live-every ms. Focus and a log's scroll position survive it.
async function refresh(el) {
  if (el.dataset.paused === 'true') return;
  const r = await fetch(el.dataset.live, { headers: { accept: 'text/html' } }).catch(() => undefined);
  if (r?.status === 401) return location.reload();
  if (!r?.ok) return;
  const text = await r.text();
  const focused = el.contains(document.activeElement) ? document.activeElement.id : '';
  const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
  el.innerHTML = text;
  if (focused) document.getElementById(focused)?.focus();
  if ('stickBottom' in el.dataset && atBottom) el.scrollTop = el.scrollHeight;
}

const stackOf = (d) => d.stack?.name ?? d.job?.stack ?? d.name;

function liveParts() {
  for (const el of document.querySelectorAll('[data-live]')) {
    let timer;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh(el), 150);
    };
    if (el.dataset.liveEvery) setInterval(() => document.hidden || refresh(el), Number(el.dataset.liveEvery));
    if ('stickBottom' in el.dataset) el.scrollTop = el.scrollHeight;
    const on = (el.dataset.liveOn ?? '').split(' ').filter(Boolean);
    if (!on.length) continue;
    handlers.push((type, d) => {
      if (type === 'reopen') return soon();
      if (!on.includes(type)) return;
      if (el.dataset.liveStack && stackOf(d) !== el.dataset.liveStack) return;
      if (el.dataset.liveJob && d.job?.id !== el.dataset.liveJob) return;
      soon();
    });
  }
}

// A button that pauses a following part (the log tail), for whoever wants to read it still.
function pauseButtons() {
  for (const b of document.querySelectorAll('[data-pause]')) {
    b.addEventListener('click', () => {
      const target = document.getElementById(b.dataset.pause);
      const paused = b.getAttribute('aria-pressed') !== 'true';
      b.setAttribute('aria-pressed', String(paused));
      b.textContent = paused ? 'Resume following' : 'Pause following';
      target.dataset.paused = String(paused);
      if (!paused) refresh(target);
    });
  }
}

// A job's log (data-job-log = its id) gets the lines after its last one whenever the job logs or changes.
async function moreLines(ol) {
  const after = Number(ol.dataset.seq || 0);
  const r = await fetch(`/parts/deployments/${ol.dataset.jobLog}/log?after=${after}`, { headers: { accept: 'text/html' } }).catch(() => undefined);
  if (!r?.ok || Number(ol.dataset.seq || 0) !== after) return;
  ol.insertAdjacentHTML('beforeend', await r.text());
  const last = ol.lastElementChild;
  if (last?.dataset.seq) ol.dataset.seq = last.dataset.seq;
}

function followJob(ol) {
  let timer;
  handlers.push((type, d) => {
    if (!ol.dataset.jobLog) return;
    const opened = type === 'open' || type === 'reopen';
    const id = type === 'job.log' ? d.id : d.job?.id;
    if (!opened && ((type !== 'job.log' && type !== 'job') || id !== ol.dataset.jobLog)) return;
    clearTimeout(timer);
    timer = setTimeout(() => moreLines(ol), 100);
  });
}

// A destructive action asks first, in a modal dialog (Escape or Cancel: no).
function confirmed(text) {
  const dialog = document.getElementById('confirm-dialog');
  if (!dialog?.showModal) return Promise.resolve(window.confirm(text));
  document.getElementById('confirm-text').textContent = text;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

function showJob(job) {
  const state = document.getElementById('progress-state');
  document.getElementById('progress').hidden = false;
  const link = document.createElement('a');
  link.href = `/deployments/${job.id}`;
  link.textContent = `${job.action} of ${job.stack}: ${job.state}`;
  state.replaceChildren(link, job.error ? ` - ${job.error.message}` : '');
}

// Stack actions in place: post with the CSRF token, then follow the job in the progress section.
async function runAction(form) {
  const body = new URLSearchParams(new FormData(form));
  const ask = form.dataset.confirm?.replace(/\{(\w+)\}/g, (_, k) => body.get(k) ?? k);
  if (ask && !(await confirmed(ask))) return;
  if (ask) body.set('confirm', 'yes');
  // form.action would be its field named action.
  const r = await fetch(form.getAttribute('action'), { method: 'POST', body, headers: { accept: 'application/json', 'x-csrf-token': csrf } }).catch(() => undefined);
  if (r?.status === 401) return location.reload();
  const data = (await r?.json().catch(() => undefined)) ?? {};
  const log = document.getElementById('progress-log');
  document.getElementById('progress').hidden = false;
  if (!r?.ok) {
    document.getElementById('progress-state').textContent = `Not started: ${data.error?.message ?? 'the server did not answer'}`;
    return;
  }
  log.replaceChildren();
  log.dataset.jobLog = data.job.id;
  log.dataset.seq = '0';
  showJob(data.job);
  moreLines(log);
}

function actions() {
  const log = document.getElementById('progress-log');
  if (!log) return;
  followJob(log);
  handlers.push((type, d) => type === 'job' && d.job.id === log.dataset.jobLog && showJob(d.job));
  for (const form of document.querySelectorAll('form[data-action]')) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      runAction(form);
    });
  }
}

// One stream of events for every live part of the page.
function connect() {
  if (!handlers.length) return;
  const events = new EventSource('/api/v1/events');
  const emit = (type, d) => handlers.forEach((h) => h(type, d));
  let opened = 0;
  events.addEventListener('open', () => {
    say('Live: this page updates by itself.');
    emit(opened++ ? 'reopen' : 'open', {});
  });
  events.addEventListener('error', () => say(events.readyState === EventSource.CLOSED ? 'Not live: reload the page.' : 'Reconnecting…'));
  for (const type of ['stack', 'stack.removed', 'job', 'job.log', 'engine', 'agent']) {
    events.addEventListener(type, (e) => emit(type, JSON.parse(e.data)));
  }
}

liveParts();
pauseButtons();
for (const ol of document.querySelectorAll('ol[data-job-log]')) followJob(ol);
actions();
connect();
