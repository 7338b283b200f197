/*! baton.js: the Baton chat loader. See docs/embedding.md */
(() => {
const w = window, d = document;
const warn = (...a) => console.warn('baton.js:', ...a);

function boot() {
  if (w.__batonLoaded) return; // a second tag: keep the first launcher
  const script = d.currentScript || [...d.querySelectorAll('script[src*="baton.js"][data-site]')].pop();
  const site = script && script.dataset.site;
  if (!site) return warn('data-site missing on the <script> tag; chat not loaded');
  const origin = new URL(script.src).origin;
  w.__batonLoaded = 1;

  const handlers = {}, queue = [];
  let frame, ready, open, timer, quiet, title = '';

  // no innerHTML, so pages enforcing Trusted Types work
  const el = (tag, attrs, ...kids) => {
    const e = /^(svg|path)$/.test(tag) ? d.createElementNS('http://www.w3.org/2000/svg', tag) : d.createElement(tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    e.append(...kids);
    return e;
  };

  const host = d.createElement('baton-chat');
  const root = host.attachShadow({ mode: 'closed' });
  const status = el('p', { class: 's', role: 'status' });
  const shut = el('button', { type: 'button', class: 'x' }, 'Close');
  const panel = el('div', { id: 'baton-panel', class: 'p' }, status, shut);
  const cls = panel.classList;
  const btn = el('button', { type: 'button', class: 'b', 'aria-controls': 'baton-panel' },
    el('svg', { viewBox: '0 0 24 24', width: 28, height: 28, fill: 'currentColor', 'aria-hidden': 'true' },
      el('path', { class: 'i', d: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-9l-6 4.5V18H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z' }),
      el('path', { class: 'c', d: 'M6 6l12 12M18 6 6 18' })));

  const css = `*{box-sizing:border-box}
:host::before,:host::after{display:none!important}
.b{display:flex;align-items:center;justify-content:center;width:56px;height:56px;margin:0;padding:0;border:2px solid transparent;border-radius:50%;background:var(--baton-accent,#1f5fbf);color:var(--baton-on-accent,#fff);box-shadow:0 4px 14px rgba(0,0,0,.3);cursor:pointer}
.b:focus-visible{outline:3px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.c,[aria-expanded=true] .i{display:none}
[aria-expanded=true] .c{display:inline}
.c{fill:none;stroke:currentColor;stroke-width:2.5}
.p{display:none;position:fixed;right:20px;bottom:90px;width:380px;height:min(640px,calc(100vh - 110px));border-radius:12px;overflow:hidden;background:#fff;font:16px/1.5 system-ui,sans-serif;box-shadow:0 8px 32px rgba(0,0,0,.3)}
.p.l{right:auto;left:20px}
.p.o{display:block}
@media (max-width:479.98px){.p.o{inset:0;width:auto;height:auto;border-radius:0}}
iframe{display:block;width:100%;height:100%;border:0}
.s{margin:0 24px}
.u .s{margin:24px}
.u iframe,.x{display:none}
.u .x{display:block;margin:0 24px;padding:8px 16px;font:inherit}`;
  try { // a constructed sheet is not subject to the page's CSP style-src
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(el('style', {}, css));
  }
  root.append(btn, panel);

  // The host's box: inline !important beats page rules; all:initial resets the rest
  const place = left => {
    host.style.cssText = (`all:initial;position:fixed;z-index:2147483000;display:block;bottom:20px;${left ? 'left' : 'right'}:20px;`
      + 'width:auto;height:auto;margin:0;')
      .replace(/;/g, '!important;');
    cls.toggle('l', left);
  };
  place(script.dataset.position == 'left');

  const emit = (name, detail) => (handlers[name] || []).forEach(fn => {
    try { fn(detail) } catch (e) { warn(name, 'handler threw', e) }
  });

  const post = m => {
    try { frame.contentWindow.postMessage({ baton: 1, ...m }, origin) } catch (e) { warn('cannot send', m.type, e) }
  };
  const send = m => ready ? post(m) : queue.push(m);

  // The conversation is kept in this page's storage (first party: a third-party iframe's
  // storage may be blocked); the widget asks for it by postMessage: never in a URL, where
  // its resume token would sit in the browser's history
  const key = 'baton:' + site;
  const store = v => { try { return v == null ? localStorage.getItem(key) || '' : localStorage.setItem(key, v) } catch { return '' } };

  const ensure = () => {
    if (frame) return;
    const q = encodeURIComponent;
    frame = el('iframe', { title: title || 'Chat', src: `${origin}/widget/?site=${q(site)}&host=${q(location.origin)}&page=${q(location.pathname)}` });
    panel.prepend(frame);
  };

  const sync = () => {
    cls.toggle('o', !!open);
    panel.setAttribute('aria-hidden', !open);
    btn.setAttribute('aria-expanded', !!open);
    btn.setAttribute('aria-label', (open ? 'Close chat' : 'Open chat') + (title && ': ' + title));
  };
  sync();

  const focusIn = () => (cls.contains('u') ? shut : frame).focus();

  // The notice replaces the iframe; focus stays in the panel if it was there
  const notice = on => {
    if (cls.contains('u') == on) return;
    const inside = panel.contains(root.activeElement);
    cls.toggle('u', on);
    status.textContent = on ? 'Chat is unavailable right now. Please try again later.' : '';
    if (inside) focusIn();
  };
  const fail = () => {
    if (quiet) return;
    warn(`widget at ${origin} not ready after 10 s`);
    notice(true);
    emit('unavailable', { reason: 'timeout' });
  };

  const show = () => {
    ensure();
    if (open) return;
    open = 1;
    sync();
    focusIn();
    ready ? post({ type: 'open' }) : timer = timer || setTimeout(fail, 1e4);
    emit('open');
  };

  // byWidget: closed inside the widget, which had the focus
  const hide = byWidget => {
    if (!open) return;
    const refocus = byWidget || panel.contains(root.activeElement);
    open = 0;
    sync();
    if (ready && !byWidget) post({ type: 'close' });
    if (refocus) btn.focus();
    emit('close');
  };

  // Widget -> loader: only our iframe's window, at the server origin
  w.addEventListener('message', e => {
    const m = e.data;
    if (!frame || e.origin !== origin || e.source !== frame.contentWindow || !m || m.baton !== 1) return;
    const t = m.type;
    if (t == 'load') {
      post({ type: 'state', state: store() });
    } else if (t == 'ready') {
      ready = 1;
      clearTimeout(timer);
      notice(false);
      queue.splice(0).forEach(post);
      if (open) {
        // focus given to a still-loading frame may not reach its document: give it again
        if (panel.contains(root.activeElement)) frame.focus();
        post({ type: 'open' });
      }
    } else if (t == 'theme' && /^#[\da-f]{6}$/i.test(m.accent)) {
      // black icon if white is under 4.5:1 (gamma 2.2; checked for all colours)
      const lum = [.2126, .7152, .0722].reduce((s, k, i) => s + k * (parseInt(m.accent.substr(2 * i + 1, 2), 16) / 255) ** 2.2, 0);
      btn.style.setProperty('--baton-accent', m.accent);
      btn.style.setProperty('--baton-on-accent', lum > .18 ? '#000' : '#fff');
    } else if (t == 'position' && /^(left|right)$/.test(m.position)) {
      place(m.position == 'left');
    } else if (t == 'title' && typeof m.title == 'string') {
      title = m.title.slice(0, 100);
      frame.title = title || 'Chat';
      sync();
    } else if (t == 'close') {
      hide(1);
    } else if (t == 'save' && typeof m.state == 'string') {
      store(m.state);
    } else if (t == 'event' && typeof m.name == 'string') {
      emit(m.name, m.detail);
    } else if (t == 'unavailable') {
      quiet = 1; // the widget shows its own state
      notice(false);
      emit('unavailable', { reason: m.reason });
    }
  });

  btn.onclick = () => open ? hide() : show();
  shut.onclick = () => hide();
  d.addEventListener('keydown', e => {
    if (e.key == 'Escape' && open && !e.defaultPrevented) hide();
  });
  if (!(navigator.connection && navigator.connection.saveData)) { // Save-Data: click only
    btn.onpointerenter = btn.onfocus = ensure;
    setTimeout(() => (w.requestIdleCallback || setTimeout)(ensure), 4e3);
  }

  const mount = () => (d.body || d.documentElement).append(host);
  d.body || d.readyState != 'loading' ? mount() : d.addEventListener('DOMContentLoaded', mount);

  const api = {
    identify: (profile, token) => send({ type: 'identify', profile, token }),
    open: () => show(),
    close: () => hide(),
    on: (name, fn) => { if (typeof fn == 'function') (handlers[name] = handlers[name] || []).push(fn) },
    track: (page = location.pathname) => send({ type: 'track', page: String(page) }),
  };
  const run = call => {
    try {
      const [name, ...args] = call;
      if (api.hasOwnProperty(name)) api[name](...args);
    } catch (e) { warn('call failed', e) }
  };
  // Calls queued by the snippet run now, in order; later pushes run at once
  const old = w.Baton;
  const early = old && Array.isArray(old.q) ? old.q : [];
  const B = w.Baton = Object.assign(old && typeof old == 'object' ? old : {}, api);
  B.q = { push: (...calls) => calls.forEach(run) };
  early.forEach(run);
}

try { boot() } catch (e) { warn('could not start', e) }
})();
