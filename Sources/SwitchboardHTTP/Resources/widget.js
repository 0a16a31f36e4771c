/*
 * Switchboard web chat widget. Served by the Switchboard server at /widget.js; embed it with one tag:
 *
 *   <script src="https://support.example.com/widget.js" data-inbox="INBOX_ID" async></script>
 *
 * Optional verified identity: window.SwitchboardSettings = {identifier, identifier_hash, name, email}
 * (set before the tag), or data-identifier / data-identifier-hash attributes on the tag.
 * Page API: window.Switchboard.open(), .close(), .toggle().
 *
 * No dependencies and no build step. Everything lives in an open Shadow DOM so the host page's CSS
 * cannot reach it, and all visitor/agent text goes through textContent / text nodes, never HTML.
 * The only requests go to the server this script was loaded from (/api/v1/widget/{inbox}/...).
 *
 * Stable hooks for tests (data-testid): switchboard-launcher, -unread, -panel, -title, -greeting,
 * -status (data-online), -close, -connection, -notice, -prechat, -prechat-name, -prechat-email,
 * -prechat-submit, -messages, -message (data-direction "in" = from the visitor, "out" = to the visitor;
 * data-status "sending" | "sent" | "failed"; data-message-id; data-client-id), -message-sender,
 * -message-content, -message-status, -typing, -input, -send.
 * Files: -attach (the paperclip), -file-input, -attach-error, -message-attachments, -attachment (data-kind
 * "image" | "file" | "pending"; data-attachment-id; data-content-type), -attachment-image, -attachment-name.
 *
 * A picked file is checked here (type, size), shown at once as a pending message, uploaded once
 * (POST attachments, the raw file as the body) and then sent like any message, with its attachment ids.
 * The outbox keeps the uploaded ids, so a resend after a reconnect never uploads again. A file still
 * uploading lives only in this page (a File cannot be stored); once uploaded it is in the outbox.
 */
(() => {
  'use strict';
  // Loaded twice (e.g. a tag manager plus a hard-coded tag): the first copy wins.
  if (window.Switchboard && window.Switchboard.version) return;

  // currentScript is set while a classic (also async) script runs; the data-inbox query is the fallback.
  const script = document.currentScript && document.currentScript.dataset.inbox
    ? document.currentScript : document.querySelector('script[data-inbox][src]');
  if (!script || !script.dataset.inbox) {
    console.warn('[switchboard] widget.js needs a data-inbox attribute on its <script> tag');
    return;
  }
  const INBOX = script.dataset.inbox;
  // Resolve against the script's own URL, so a server behind a path prefix works too.
  const API = new URL(`api/v1/widget/${encodeURIComponent(INBOX)}/`, new URL('.', script.src)).href;
  const WS_URL = API.replace(/^http/, 'ws') + 'ws'; // http -> ws, https -> wss
  const MAX_FRAME_BYTES = 16 * 1024; // the server closes the socket on bigger frames
  const TYPING_EVERY_MS = 2000;
  const TYPING_IDLE_MS = 3000;
  const ACK_TIMEOUT_MS = 15000;     // no ack, no hello, no HTTP answer: the connection is dead
  // Files the server accepts (it checks too): by content type, with the extension as the fallback.
  const MAX_FILE_BYTES = 10 * 1024 * 1024;
  const MAX_FILES = 10;             // attachments per message
  const FILE_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
    pdf: 'application/pdf' };
  const ALLOWED_TYPES = new Set(Object.values(FILE_TYPES));
  const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

  // --- storage: localStorage of the host page, with an in-memory fallback when it is blocked -------
  const PREFIX = `switchboard:${INBOX}:`;
  const memory = {};
  const store = {
    get(k) { try { return localStorage.getItem(PREFIX + k); } catch { return memory[k] ?? null; } },
    set(k, v) { try { localStorage.setItem(PREFIX + k, v); } catch { memory[k] = v; } },
    del(k) { try { localStorage.removeItem(PREFIX + k); } catch { delete memory[k]; } },
  };

  // Strings throughout: a numeric user id must compare equal to the one stored last time.
  const settings = window.SwitchboardSettings || {};
  const firstString = (...values) => { const v = values.find((x) => x != null && x !== ''); return v == null ? null : String(v); };
  const identity = {
    identifier: firstString(settings.identifier, script.dataset.identifier),
    identifier_hash: firstString(settings.identifier_hash, script.dataset.identifierHash),
    name: firstString(settings.name),
    email: firstString(settings.email),
  };

  const state = {
    config: null,
    token: store.get('visitor_token'),
    validate: true,       // check a stored token over HTTP before trusting it
    wantSession: false,   // sessions are created lazily (on open), so passers-by cost the server nothing
    profile: null,        // name/email from the pre-chat form
    stopped: false,       // permanent failure (e.g. identity refused): no more attempts
    busy: false,
    ws: null,
    serial: 0,            // counts sockets, so each unacknowledged message is resent once per socket
    hello: false,
    attempt: 0,
    reconnectTimer: 0,
    open: false,
    unread: 0,
    readSentAt: 0,
    readTimer: 0,
    outbox: loadOutbox(),
    sentOn: new Map(),    // client_id -> socket serial it was last sent on
    inflight: null,       // client_id awaiting its ack (one at a time keeps the visitor's order)
    uploads: new Map(),   // client_id -> its Files (by attachment index) while some are not uploaded yet
    uploading: null,      // client_id whose file is being uploaded now (one upload at a time)
    uploadTimer: 0,       // backoff after a failed upload
    uploadTries: 0,
    ackTimer: 0,
    byId: new Map(),      // message id -> element
    byClientId: new Map(),// client_id -> element (own messages)
  };

  // An attachment as the server describes it; anything else (e.g. a hand-edited outbox) is dropped.
  function cleanAttachment(a) {
    if (!a || typeof a.id !== 'string' || !a.id) return null;
    return { id: a.id, filename: String(a.filename ?? 'file'), content_type: String(a.content_type ?? '').toLowerCase(),
      size: Number(a.size) || 0 };
  }
  const cleanAttachments = (list) => (Array.isArray(list) ? list.map(cleanAttachment).filter(Boolean) : []);
  const attachmentIds = (entry) => (entry.attachments || []).map((a) => a.id);
  function loadOutbox() {
    try {
      const list = JSON.parse(store.get('outbox') || '[]');
      if (!Array.isArray(list)) return [];
      return list.filter((e) => e && typeof e.client_id === 'string' && typeof e.content === 'string'
        && (e.attachments === undefined || (Array.isArray(e.attachments) && e.attachments.every((a) => cleanAttachment(a)))))
        .map((e) => (e.attachments ? { ...e, attachments: cleanAttachments(e.attachments) } : e));
    } catch { return []; }
  }
  // Entries whose files are still uploading stay out of storage: the next page could not upload them.
  const saveOutbox = () => store.set('outbox', JSON.stringify(state.outbox.filter((e) => !state.uploads.has(e.client_id))));
  function dropFromOutbox(clientId) {
    const before = state.outbox.length;
    state.outbox = state.outbox.filter((e) => e.client_id !== clientId);
    if (state.outbox.length !== before) saveOutbox();
  }

  // crypto.randomUUID needs a secure context; getRandomValues works on plain-http pages too.
  const uid = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // --- DOM helpers: attributes via setAttribute, text via text nodes; never innerHTML ---------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      el.setAttribute(k === 'testid' ? 'data-testid' : k, v === true ? '' : String(v));
    }
    for (const c of children) if (c != null) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return el;
  }
  function icon(d) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'currentColor');
    svg.append(path);
    return svg;
  }
  const ICON_CHAT = 'M12 3C6.5 3 2 6.9 2 11.7c0 2.4 1.1 4.6 3 6.2L4 22l4.6-2.3c1.1.3 2.2.5 3.4.5 5.5 0 10-3.9 10-8.5S17.5 3 12 3z';
  const ICON_CLOSE = 'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z';
  const ICON_SEND = 'M3.4 20.4 21 12 3.4 3.6v6.4l12.6 2-12.6 2z';
  const ICON_CLIP = 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z';
  const ICON_FILE = 'M6 2a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6H6zm7 7V3.5L18.5 9H13z';

  const CSS = `
    :host { all: initial; }
    *, *::before, *::after { box-sizing: border-box; }
    [hidden] { display: none !important; }
    .sb { --accent: #3b5bdb; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      color: #1f2330; -webkit-font-smoothing: antialiased; }
    button { font: inherit; cursor: pointer; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px; border: 0;
      border-radius: 50%; background: var(--accent); color: #fff; display: grid; place-items: center;
      box-shadow: 0 6px 20px rgba(20, 30, 60, .25); transition: transform .15s ease; }
    .launcher:hover { transform: scale(1.06); }
    .launcher:focus-visible, .close:focus-visible, .send:focus-visible, .attach:focus-visible, .files a:focus-visible { outline: 3px solid #a5b4fc; outline-offset: 2px; }
    .launcher svg { width: 26px; height: 26px; }
    .badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
      background: #e5484d; color: #fff; font-size: 12px; font-weight: 600; line-height: 18px; text-align: center; border: 2px solid #fff; }
    .panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 360px; height: 520px;
      max-height: calc(100vh - 108px); display: flex; flex-direction: column; background: #fff;
      border-radius: 16px; overflow: hidden; box-shadow: 0 12px 48px rgba(20, 30, 60, .22); }
    .header { position: relative; padding: 16px 48px 14px 18px; background: var(--accent); color: #fff; }
    .title { margin: 0 0 2px; font-size: 16px; font-weight: 600; }
    .status { display: flex; align-items: center; gap: 6px; font-size: 12.5px; opacity: .92; }
    .status::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #f5b942; }
    .status[data-online="true"]::before { background: #46d785; }
    .greeting { margin: 10px 0 0; font-size: 13.5px; opacity: .95; white-space: pre-wrap; }
    .close { position: absolute; top: 10px; right: 10px; width: 32px; height: 32px; border: 0; border-radius: 8px;
      background: transparent; color: #fff; display: grid; place-items: center; }
    .close:hover { background: rgba(255, 255, 255, .15); }
    .close svg { width: 18px; height: 18px; }
    .messages { flex: 1; overflow-y: auto; padding: 16px 12px 8px; display: flex; flex-direction: column; gap: 10px; background: #f6f7f9; }
    .msg { max-width: 82%; display: flex; flex-direction: column; align-items: flex-start; align-self: flex-start; }
    .msg[data-direction="in"] { align-self: flex-end; align-items: flex-end; }
    .msg.system { align-self: center; align-items: center; }
    .sender { margin: 0 6px 2px; font-size: 11.5px; color: #6b7280; }
    .bubble { padding: 8px 12px; border-radius: 16px; border-bottom-left-radius: 4px; background: #fff; border: 1px solid #e5e7eb;
      white-space: pre-wrap; overflow-wrap: anywhere; }
    .msg[data-direction="in"] .bubble { background: var(--accent); color: #fff; border-color: transparent;
      border-radius: 16px; border-bottom-right-radius: 4px; }
    .msg.system .bubble { background: transparent; border: 0; color: #6b7280; font-size: 12.5px; font-style: italic; }
    .meta { margin: 2px 6px 0; font-size: 11px; color: #8a8f98; }
    .msg[data-status="sending"] .bubble { opacity: .65; }
    .msg[data-status="failed"] .meta { color: #e5484d; }
    .typing { padding: 2px 16px 6px; font-size: 12px; font-style: italic; color: #6b7280; background: #f6f7f9; }
    .line { padding: 6px 16px; font-size: 12px; text-align: center; color: #6b4e00; background: #fff6db; }
    .composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px; border-top: 1px solid #eceef1; background: #fff; }
    textarea { flex: 1; min-height: 40px; max-height: 120px; resize: none; padding: 9px 12px; border: 1px solid #d6d9df; border-radius: 12px;
      font: inherit; color: inherit; background: #fff; outline: none; }
    textarea:focus, input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px rgba(59, 91, 219, .15); }
    .send { flex: none; width: 40px; height: 40px; border: 0; border-radius: 12px; background: var(--accent); color: #fff;
      display: grid; place-items: center; }
    .send svg { width: 20px; height: 20px; }
    .attach { flex: none; width: 40px; height: 40px; border: 0; border-radius: 12px; background: transparent; color: #6b7280;
      display: grid; place-items: center; }
    .attach:hover { background: #f1f3f5; color: var(--accent); }
    .attach svg { width: 20px; height: 20px; }
    .attach-error { padding: 6px 16px; font-size: 12.5px; color: #b42318; background: #fdecea; }
    .files { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; max-width: 100%; }
    .msg[data-direction="in"] .files { justify-content: flex-end; }
    .files a { color: inherit; text-decoration: none; border-radius: 12px; }
    .thumb { display: block; width: 180px; height: 135px; object-fit: cover; border-radius: 12px; border: 1px solid #e5e7eb;
      background: #eceef1; }
    .file { display: flex; align-items: center; gap: 8px; max-width: 250px; padding: 8px 12px; background: #fff;
      border: 1px solid #e5e7eb; border-radius: 12px; }
    a.file:hover { border-color: var(--accent); }
    .file svg { flex: none; width: 20px; height: 20px; color: var(--accent); }
    .file .name { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; }
    .file .size { flex: none; font-size: 11.5px; color: #8a8f98; }
    .msg[data-status="sending"] .files { opacity: .65; }
    .prechat { flex: 1; display: flex; flex-direction: column; gap: 12px; padding: 18px; background: #fff; overflow-y: auto; }
    .prechat p { margin: 0; color: #4b5160; }
    .prechat label { display: flex; flex-direction: column; gap: 4px; font-size: 12.5px; font-weight: 600; color: #4b5160; }
    .prechat input { padding: 9px 12px; border: 1px solid #d6d9df; border-radius: 10px; font: inherit; font-weight: 400; outline: none; }
    .prechat button { margin-top: 4px; padding: 10px; border: 0; border-radius: 10px; background: var(--accent); color: #fff; font-weight: 600; }
    .prechat .error { color: #c62828; font-size: 12.5px; }
    /* Phones: the panel takes the whole screen and covers the launcher. */
    @media (max-width: 480px) {
      .panel { inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; }
      .sb[data-open="true"] .launcher { display: none; }
    }`;

  // --- UI --------------------------------------------------------------------------------------
  const ui = {};
  function buildUI() {
    // A custom element name plus !important inline styles: page rules like `div {...}` cannot match it.
    const host = h('switchboard-widget', { style: 'all: initial !important; display: block !important;' });
    const root = host.attachShadow({ mode: 'open' });
    const style = h('style');
    style.textContent = CSS;

    ui.badge = h('span', { class: 'badge', testid: 'switchboard-unread', hidden: true });
    ui.iconOpen = icon(ICON_CHAT);
    ui.launcher = h('button', { class: 'launcher', type: 'button', testid: 'switchboard-launcher', 'aria-label': 'Open chat',
      'aria-expanded': 'false' }, ui.iconOpen, ui.badge);
    ui.title = h('h2', { class: 'title', testid: 'switchboard-title' }, state.config.name || 'Chat');
    ui.status = h('div', { class: 'status', testid: 'switchboard-status' });
    ui.greeting = h('p', { class: 'greeting', testid: 'switchboard-greeting', hidden: !state.config.greeting }, state.config.greeting || '');
    ui.close = h('button', { class: 'close', type: 'button', testid: 'switchboard-close', 'aria-label': 'Close chat' }, icon(ICON_CLOSE));
    ui.connection = h('div', { class: 'line', testid: 'switchboard-connection', hidden: true });
    ui.notice = h('div', { class: 'line', testid: 'switchboard-notice', role: 'alert', hidden: true });
    ui.messages = h('div', { class: 'messages', testid: 'switchboard-messages', role: 'log', 'aria-live': 'polite' });
    ui.typing = h('div', { class: 'typing', testid: 'switchboard-typing', hidden: true }, 'Agent is typing…');
    ui.input = h('textarea', { rows: 1, maxlength: 5000, placeholder: 'Write a message…', testid: 'switchboard-input',
      'aria-label': 'Message' });
    ui.send = h('button', { class: 'send', type: 'button', testid: 'switchboard-send', 'aria-label': 'Send' }, icon(ICON_SEND));
    ui.attach = h('button', { class: 'attach', type: 'button', testid: 'switchboard-attach', 'aria-label': 'Attach a file',
      title: 'Attach images or PDF files (up to 10 MB each)' }, icon(ICON_CLIP));
    ui.fileInput = h('input', { type: 'file', multiple: true, hidden: true, tabindex: '-1', testid: 'switchboard-file-input',
      accept: [...ALLOWED_TYPES, ...Object.keys(FILE_TYPES).map((ext) => '.' + ext)].join(',') });
    ui.attachError = h('div', { class: 'attach-error', testid: 'switchboard-attach-error', role: 'alert', hidden: true });
    ui.composer = h('div', { class: 'composer' }, ui.attach, ui.fileInput, ui.input, ui.send);
    ui.prechatName = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 200, testid: 'switchboard-prechat-name' });
    ui.prechatEmail = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: 320,
      testid: 'switchboard-prechat-email' });
    ui.prechatError = h('div', { class: 'error', role: 'alert', hidden: true });
    ui.prechat = h('form', { class: 'prechat', testid: 'switchboard-prechat', hidden: true },
      h('p', null, "Tell us who you are and we'll get right back to you."),
      h('label', null, 'Name', ui.prechatName), h('label', null, 'Email', ui.prechatEmail), ui.prechatError,
      h('button', { type: 'submit', testid: 'switchboard-prechat-submit' }, 'Start chat'));
    ui.panel = h('div', { class: 'panel', testid: 'switchboard-panel', role: 'dialog', 'aria-label': state.config.name || 'Chat', hidden: true },
      h('div', { class: 'header' }, ui.title, ui.status, ui.greeting, ui.close),
      ui.connection, ui.notice, ui.prechat, ui.messages, ui.typing, ui.attachError, ui.composer);
    ui.root = h('div', { class: 'sb', 'data-open': 'false' }, ui.launcher, ui.panel);
    root.append(style, ui.root);
    document.body.append(host);

    ui.launcher.addEventListener('click', toggle);
    ui.close.addEventListener('click', close);
    ui.panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    ui.send.addEventListener('click', submit);
    ui.attach.addEventListener('click', () => ui.fileInput.click());
    ui.fileInput.addEventListener('change', () => {
      const files = Array.from(ui.fileInput.files || []);
      ui.fileInput.value = ''; // picking the same file again fires change again
      attachFiles(files);
    });
    ui.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a newline; never while an IME is composing a character.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
    });
    ui.input.addEventListener('input', () => { autosize(); onTypingInput(); });
    ui.prechat.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!ui.prechat.reportValidity()) return;
      state.profile = { name: ui.prechatName.value.trim(), email: ui.prechatEmail.value.trim() };
      ui.prechatError.hidden = true;
      showPrechat(false);
      connect();
    });
    setOnline(state.config.agents_online);
  }

  function autosize() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 120) + 'px';
  }
  function setOnline(online) {
    ui.status.dataset.online = String(!!online);
    ui.status.textContent = online ? "We're online" : "We'll reply as soon as we can";
  }
  function setConnection(text) {
    ui.connection.textContent = text || '';
    ui.connection.hidden = !text;
  }
  function setNotice(text) {
    ui.notice.textContent = text || '';
    ui.notice.hidden = !text;
  }
  function setAttachError(text) {
    ui.attachError.textContent = text || '';
    ui.attachError.hidden = !text;
  }
  function showPrechat(show) {
    ui.prechat.hidden = !show;
    ui.messages.hidden = show;
    ui.composer.hidden = show;
    if (show) setAttachError('');
    if (show) ui.prechatName.focus();
  }
  function setUnread(n) {
    state.unread = n;
    ui.badge.textContent = n > 9 ? '9+' : String(n);
    ui.badge.hidden = n === 0;
    ui.launcher.setAttribute('aria-label', n ? `Open chat (${n} unread)` : 'Open chat');
  }
  let typingTimer = 0;
  function setAgentTyping(on) {
    ui.typing.hidden = !on;
    clearTimeout(typingTimer);
    // Safety net: an agent who vanished without typing:false must not look busy forever.
    if (on) typingTimer = setTimeout(() => { ui.typing.hidden = true; }, 30000);
    if (on) scrollToBottom(false);
  }
  function scrollToBottom(force) {
    const list = ui.messages;
    if (force || list.scrollHeight - list.scrollTop - list.clientHeight < 120) list.scrollTop = list.scrollHeight;
  }

  // --- messages --------------------------------------------------------------------------------
  const isAgentMessage = (m) => m.direction === 'out' && (!m.sender || m.sender.type !== 'system');
  function senderLabel(m) {
    const s = m.sender || {};
    if (m.direction === 'in') return 'You';
    if (s.type === 'system') return null;
    return s.name || (s.type === 'bot' ? 'Bot' : state.config.name || 'Support');
  }
  function formatTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function messageElement(direction, sender, content, status, system, attachments) {
    const el = h('div', { class: system ? 'msg system' : 'msg', testid: 'switchboard-message', 'data-direction': direction,
      'data-status': status });
    if (sender) el.append(h('div', { class: 'sender', testid: 'switchboard-message-sender' }, sender));
    // A file sent without words: the (empty) text bubble stays in the DOM but is not shown.
    el.append(h('div', { class: 'bubble', testid: 'switchboard-message-content', hidden: !content && !!(attachments && attachments.length) },
      content));
    el.append(h('div', { class: 'meta', testid: 'switchboard-message-status' }));
    setAttachments(el, attachments);
    return el;
  }

  // --- attachments -----------------------------------------------------------------------------
  // The visitor's download URL; the token rides in the query so that a plain <img src> can carry it.
  function attachmentURL(id) {
    const url = new URL(`attachments/${encodeURIComponent(id)}`, API);
    url.searchParams.set('visitor_token', state.token || '');
    return url.href;
  }
  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }
  function fileElement(a, url) {
    const attrs = { class: 'file', testid: 'switchboard-attachment', 'data-kind': url ? 'file' : 'pending',
      'data-attachment-id': a.id || null, 'data-content-type': a.content_type, title: a.filename };
    // Opened in a new tab: a stale token's error page must not replace the host page.
    if (url) Object.assign(attrs, { href: url, target: '_blank', rel: 'noopener noreferrer', download: a.filename });
    return h(url ? 'a' : 'div', attrs, icon(ICON_FILE),
      h('span', { class: 'name', testid: 'switchboard-attachment-name' }, a.filename),
      a.size ? h('span', { class: 'size' }, formatSize(a.size)) : null);
  }
  function attachmentElement(a) {
    if (!a.id) return fileElement(a, null); // still uploading
    const url = attachmentURL(a.id);
    if (!IMAGE_TYPES.has(a.content_type)) return fileElement(a, url);
    const img = h('img', { class: 'thumb', alt: a.filename, testid: 'switchboard-attachment-image', decoding: 'async' });
    img.src = url;
    const link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: a.filename, testid: 'switchboard-attachment',
      'data-kind': 'image', 'data-attachment-id': a.id, 'data-content-type': a.content_type }, img);
    // Not viewable after all (gone, or a stale token): offer it by name instead of a broken picture.
    img.addEventListener('error', () => { if (link.isConnected) link.replaceWith(fileElement(a, url)); }, { once: true });
    return link;
  }
  function setAttachments(el, attachments) {
    const old = el.querySelector('.files');
    if (!attachments || !attachments.length) { if (old) old.remove(); return; }
    const list = h('div', { class: 'files', testid: 'switchboard-message-attachments' }, ...attachments.map(attachmentElement));
    if (old) old.replaceWith(list); else el.insertBefore(list, el.querySelector('.meta'));
  }
  function fileType(file) {
    const type = (file.type || '').toLowerCase();
    if (type === 'image/jpg' || type === 'image/pjpeg') return 'image/jpeg';
    if (type && type !== 'application/octet-stream') return type;
    const ext = /\.([a-z0-9]+)$/i.exec(file.name || '');
    return (ext && FILE_TYPES[ext[1].toLowerCase()]) || type || 'unknown';
  }
  // The reason these files cannot be sent, or '' when they all can.
  function fileProblem(files) {
    if (files.length > MAX_FILES) return `You can send at most ${MAX_FILES} files at once.`;
    for (const file of files) {
      const name = file.name || 'This file';
      if (!ALLOWED_TYPES.has(fileType(file))) return `"${name}" can't be sent: only images (PNG, JPEG, GIF, WebP) and PDF files are allowed.`;
      if (file.size > MAX_FILE_BYTES) return `"${name}" is too large (${formatSize(file.size)}); files can be at most 10 MB.`;
      if (!file.size) return `"${name}" is empty.`;
    }
    return '';
  }
  // Picked files become one message: shown at once, uploaded when connected, then sent from the outbox.
  function attachFiles(files) {
    if (!files.length) return;
    const problem = fileProblem(files);
    setAttachError(problem);
    if (problem) return;
    const entry = { client_id: uid(), content: '', created_at: new Date().toISOString(),
      attachments: files.map((f) => ({ filename: f.name || 'file', content_type: fileType(f), size: f.size })) };
    state.uploads.set(entry.client_id, files);
    state.outbox.push(entry);
    appendPending(entry);
    scrollToBottom(true);
    if (socketReady()) pump();
    else { state.wantSession = true; connect(); }
  }
  function setStatus(el, status, text) {
    el.dataset.status = status;
    el.querySelector('.meta').textContent = text;
  }
  function confirm(el, m) {
    el.dataset.messageId = m.id;
    if (m.created_at) el.dataset.createdAt = m.created_at;
    state.byId.set(m.id, el);
    setStatus(el, 'sent', formatTime(m.created_at || new Date().toISOString()));
  }
  // Shows a server message once: known ids are skipped, and our own pending copy (same client_id)
  // is confirmed in place. Returns true when the message is new to this page.
  function upsert(m) {
    if (state.byId.has(m.id)) return false;
    const own = m.client_id && state.byClientId.get(m.client_id);
    const attachments = cleanAttachments(m.attachments);
    if (own) {
      if (attachments.length) setAttachments(own, attachments);
      confirm(own, m);
      dropFromOutbox(m.client_id);
      settled(m.client_id);
      return false;
    }
    const el = messageElement(m.direction === 'in' ? 'in' : 'out', senderLabel(m), String(m.content ?? ''), 'sent',
      m.sender && m.sender.type === 'system', attachments);
    if (m.client_id) { el.dataset.clientId = m.client_id; state.byClientId.set(m.client_id, el); }
    confirm(el, m);
    // Keep confirmed messages above the ones still sending.
    const firstPending = ui.messages.querySelector('[data-status="sending"]');
    ui.messages.insertBefore(el, firstPending);
    return true;
  }
  function appendPending(entry) {
    const el = messageElement('in', 'You', entry.content, 'sending', false, entry.attachments);
    el.dataset.clientId = entry.client_id;
    setStatus(el, 'sending', state.uploads.has(entry.client_id) ? 'uploading…' : 'sending…');
    state.byClientId.set(entry.client_id, el);
    ui.messages.append(el);
  }
  function renderAll(messages) {
    ui.messages.replaceChildren();
    state.byId.clear();
    state.byClientId.clear();
    for (const m of messages) if (m && m.id) upsert(m);
    for (const entry of state.outbox) if (!state.byClientId.has(entry.client_id)) appendPending(entry);
    scrollToBottom(true);
  }
  // The newest message the visitor has seen while the panel was open; unread counts start after it.
  function markRead() {
    const times = [...state.byId.values()].map((el) => Date.parse(el.dataset.createdAt || '')).filter((t) => !isNaN(t));
    if (times.length) store.set('last_read', new Date(Math.max(...times)).toISOString());
    setUnread(0);
    reportRead();
  }
  // Tells the agents the visitor has seen their replies (they show as "Read"): when the open panel shows
  // messages, at most every 2 s; one held back by the throttle goes when it ends.
  function reportRead() {
    if (!state.open || !state.byId.size) return;
    const wait = state.readSentAt + 2000 - Date.now();
    if (wait > 0) {
      if (!state.readTimer) state.readTimer = setTimeout(() => { state.readTimer = 0; reportRead(); }, wait);
      return;
    }
    if (sendFrame({ type: 'read' })) state.readSentAt = Date.now();
  }

  // --- sending ---------------------------------------------------------------------------------
  const socketReady = () => state.hello && state.ws && state.ws.readyState === WebSocket.OPEN;
  function sendFrame(frame) {
    if (!socketReady()) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }
  // The outbox leaves in order, one message at a time: the next goes when the previous is acknowledged,
  // so a rate-limited message is never overtaken by a later one. Each entry goes at most once per
  // socket (plus rate-limit retries); the server makes a repeated client_id idempotent.
  // An entry whose files are still uploading holds back the ones after it.
  function pump() {
    if (!socketReady()) return;
    uploadNext();
    if (state.inflight) return;
    const entry = state.outbox.find((e) => state.sentOn.get(e.client_id) !== state.serial);
    if (entry && !state.uploads.has(entry.client_id)) transmit(entry);
  }
  function transmit(entry) {
    const frame = { type: 'message', content: entry.content, client_id: entry.client_id };
    const ids = attachmentIds(entry);
    if (ids.length) frame.attachment_ids = ids;
    if (!sendFrame(frame)) return;
    state.inflight = entry.client_id;
    state.sentOn.set(entry.client_id, state.serial);
    clearTimeout(state.ackTimer);
    // No answer at all: the connection is likely dead without knowing it; a new socket resends.
    const ws = state.ws;
    state.ackTimer = setTimeout(() => { if (state.inflight === entry.client_id) socketLost(ws, true); }, ACK_TIMEOUT_MS);
  }
  function settled(clientId) {
    if (!clientId || state.inflight !== clientId) return;
    state.inflight = null;
    clearTimeout(state.ackTimer);
    pump();
  }
  // Uploads run one at a time, oldest entry first, only while the socket is up (so the token is good).
  // Each file is uploaded once: its id replaces the File, and the entry is stored with the ids.
  async function uploadNext() {
    if (state.uploading || state.uploadTimer || !socketReady()) return;
    const entry = state.outbox.find((e) => state.uploads.has(e.client_id));
    if (!entry) return;
    const index = entry.attachments.findIndex((a) => !a.id);
    const file = state.uploads.get(entry.client_id)[index];
    const item = entry.attachments[index];
    state.uploading = entry.client_id;
    let r = null;
    try {
      // %20, not URLSearchParams' '+': the server reads a '+' in the query as a plus sign.
      const path = `attachments?filename=${encodeURIComponent(item.filename)}`;
      // A slow line needs time for 10 MB: 30 s plus 1 s per 100 KB.
      r = await api('POST', path, undefined, { 'X-Visitor-Token': state.token, 'Content-Type': item.content_type },
        { raw: file, timeout: 30000 + file.size / 100 });
    } catch { /* network or timeout: try again */ }
    state.uploading = null;
    if (!state.outbox.includes(entry) || !state.uploads.has(entry.client_id)) { pump(); return; } // dropped meanwhile
    const uploaded = r && r.status === 201 && cleanAttachment(r.data);
    if (uploaded) {
      state.uploadTries = 0;
      entry.attachments[index] = uploaded;
      if (entry.attachments.every((a) => a.id)) {
        state.uploads.delete(entry.client_id);
        saveOutbox();
      }
      const el = state.byClientId.get(entry.client_id);
      if (el) {
        setAttachments(el, entry.attachments);
        if (!state.uploads.has(entry.client_id)) setStatus(el, 'sending', 'sending…');
      }
      pump();
    } else if (!r || r.status === 429 || r.status === 401 || r.status === 408 || r.status >= 500) {
      // Passing trouble (network, rate limit, server): back off 1, 2, 4… s, up to 30 s.
      const delay = Math.min(30000, 1000 * 2 ** state.uploadTries);
      state.uploadTries = Math.min(state.uploadTries + 1, 10);
      state.uploadTimer = setTimeout(() => { state.uploadTimer = 0; pump(); }, delay);
    } else {
      // Refused for good (too large, type not accepted): the message cannot go.
      state.uploads.delete(entry.client_id);
      dropFromOutbox(entry.client_id);
      const el = state.byClientId.get(entry.client_id);
      if (el) setStatus(el, 'failed', 'Not sent: ' + errorText(r));
      pump();
    }
  }
  function submit() {
    const content = ui.input.value.trim();
    if (!content) return;
    setAttachError('');
    const entry = { client_id: uid(), content, created_at: new Date().toISOString() };
    const bytes = new TextEncoder().encode(JSON.stringify({ type: 'message', content, client_id: entry.client_id })).length;
    if (bytes > MAX_FRAME_BYTES) { setNotice('That message is too long. Please shorten it.'); return; }
    setNotice('');
    stopTyping();
    state.outbox.push(entry);
    saveOutbox();
    appendPending(entry);
    scrollToBottom(true);
    ui.input.value = '';
    autosize();
    if (socketReady()) pump();
    else { state.wantSession = true; connect(); }
  }

  // Typing: true at most every 2 s while keys are pressed, false after 3 s of quiet or on send.
  // A burst that starts inside the 2 s window gets its true at the end of the window, not never.
  let typingSentAt = 0;
  let typingActive = false;
  let idleTimer = 0;
  let deferTimer = 0;
  function sendTypingTrue() {
    deferTimer = 0;
    if (!ui.input.value.trim() || !sendFrame({ type: 'typing', typing: true })) return;
    typingSentAt = Date.now();
    typingActive = true;
  }
  function onTypingInput() {
    clearTimeout(idleTimer);
    if (!ui.input.value.trim()) { stopTyping(); return; }
    const wait = typingSentAt + TYPING_EVERY_MS - Date.now();
    if (wait <= 0) sendTypingTrue();
    else if (!deferTimer) deferTimer = setTimeout(sendTypingTrue, wait);
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(idleTimer);
    clearTimeout(deferTimer);
    deferTimer = 0;
    if (typingActive) sendFrame({ type: 'typing', typing: false });
    typingActive = false;
  }

  // --- server frames ---------------------------------------------------------------------------
  const rateRetries = new Map(); // client_id -> attempts after rate_limited
  function onFrame(text) {
    let f;
    try { f = JSON.parse(text); } catch { return; }
    if (!f || typeof f !== 'object') return;
    if (f.type === 'hello') {
      state.hello = true;
      state.attempt = 0;
      setConnection('');
      setOnline(f.agents_online);
      const messages = Array.isArray(f.messages) ? f.messages : [];
      // A message committed whose ack died with the old socket is in the history: it is delivered.
      for (const m of messages) if (m && m.client_id) dropFromOutbox(m.client_id);
      renderAll(messages);
      // Connected again: a file upload waiting out its backoff may go now.
      clearTimeout(state.uploadTimer);
      state.uploadTimer = 0;
      state.uploadTries = 0;
      if (state.open) markRead();
      else {
        const lastRead = Date.parse(store.get('last_read') || '') || 0;
        setUnread(messages.filter((m) => m && isAgentMessage(m) && Date.parse(m.created_at) > lastRead).length);
      }
      pump();
    } else if (f.type === 'ack' && f.client_id) {
      dropFromOutbox(f.client_id);
      rateRetries.delete(f.client_id);
      const el = state.byClientId.get(f.client_id);
      if (el && f.message_id && !state.byId.has(f.message_id)) confirm(el, { id: f.message_id, created_at: f.created_at });
      settled(f.client_id);
    } else if (f.type === 'message' && f.message && f.message.id) {
      if (upsert(f.message) && isAgentMessage(f.message)) {
        setAgentTyping(false);
        if (state.open) markRead(); else setUnread(state.unread + 1);
      }
      scrollToBottom(false);
    } else if (f.type === 'typing') {
      setAgentTyping(!!f.typing);
    } else if (f.type === 'presence') {
      setOnline(f.agents_online);
    } else if (f.type === 'error') {
      onServerError(f);
    }
  }
  function onServerError(f) {
    const entry = f.client_id && state.outbox.find((e) => e.client_id === f.client_id);
    if (!entry) {
      if (f.code === 'rate_limited') setNotice("You're sending messages very fast; please wait a moment.");
      return;
    }
    if (f.code === 'rate_limited') {
      // Not stored: keep it "sending…" (and the ones after it waiting) and retry, backing off 1, 2, 4… s.
      const n = (rateRetries.get(entry.client_id) || 0) + 1;
      rateRetries.set(entry.client_id, n);
      clearTimeout(state.ackTimer);
      const serial = state.serial;
      setTimeout(() => {
        if (serial === state.serial && state.outbox.includes(entry)) transmit(entry);
      }, Math.min(30000, 500 * 2 ** n));
      return;
    }
    // Refused for good (validation_failed, malformed_frame): retrying would only fail again.
    dropFromOutbox(entry.client_id);
    const el = state.byClientId.get(entry.client_id);
    if (el) setStatus(el, 'failed', 'Not sent: ' + (f.message || f.code || 'refused'));
    settled(entry.client_id);
  }

  // --- session and socket ----------------------------------------------------------------------
  async function api(method, path, body, headers, options = {}) {
    // A request that never answers must not stall the reconnect loop: give up after a while.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.timeout || ACK_TIMEOUT_MS);
    const init = { method, headers: { ...headers }, mode: 'cors', credentials: 'omit', cache: 'no-store', signal: abort.signal };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    if (options.raw !== undefined) init.body = options.raw; // a File, sent as is (Content-Type from headers)
    try {
      const res = await fetch(API + path, init);
      let data = null;
      try { data = await res.json(); } catch { /* empty or not JSON */ }
      return { status: res.status, data };
    } finally {
      clearTimeout(timer);
    }
  }
  const errorText = (r) => (r.data && r.data.error && r.data.error.message) || `HTTP ${r.status}`;
  function setToken(token) {
    state.token = token;
    store.set('visitor_token', token);
    if (identity.identifier) store.set('identifier', identity.identifier); else store.del('identifier');
  }
  function forgetSession() {
    state.token = null;
    store.del('visitor_token');
    store.del('last_read');
    renderAll([]); // the old history belongs to the old session; unsent messages stay
  }
  const needsPrechat = () => state.config.pre_chat_form && !state.profile && !identity.identifier;

  function scheduleReconnect() {
    clearTimeout(state.reconnectTimer);
    if (state.stopped) return;
    // 1 s doubling to 30 s; the jitter (up to -25 %) spreads visitors out after a server restart.
    const base = Math.min(30000, 1000 * 2 ** state.attempt);
    state.attempt = Math.min(state.attempt + 1, 10);
    state.reconnectTimer = setTimeout(connect, base * (1 - Math.random() * 0.25));
  }

  // One attempt at a valid session plus an open socket; any failure schedules the next attempt.
  async function connect() {
    clearTimeout(state.reconnectTimer);
    if (state.ws || state.busy || state.stopped) return;
    state.busy = true;
    try {
      if (state.token && state.validate) {
        const r = await api('GET', 'session', undefined, { 'X-Visitor-Token': state.token });
        if (r.status === 401) forgetSession();
        else if (r.status !== 200) throw new Error(errorText(r));
        else state.validate = false;
      }
      if (!state.token) {
        if (!state.wantSession && !state.outbox.length) return; // lazy: wait for the visitor
        if (needsPrechat()) { showPrechat(true); return; }
        const body = {};
        for (const k of ['identifier', 'identifier_hash', 'name', 'email']) if (identity[k]) body[k] = identity[k];
        if (state.profile) Object.assign(body, state.profile);
        const r = await api('POST', 'sessions', body);
        if (r.status === 429) { setNotice('Too many chats started from here; retrying shortly.'); throw new Error('rate limited'); }
        if (r.status >= 500) throw new Error(errorText(r));
        if (r.status !== 201 || !r.data || !r.data.visitor_token) {
          if (state.profile && r.status === 422) { // the pre-chat answers were refused: ask again
            state.profile = null;
            ui.prechatError.textContent = errorText(r);
            ui.prechatError.hidden = false;
            showPrechat(true);
            return;
          }
          state.stopped = true;
          setNotice('Chat is unavailable right now.');
          console.warn('[switchboard] session refused:', errorText(r));
          return;
        }
        setNotice('');
        setToken(r.data.visitor_token);
        state.validate = false;
      }
      openSocket();
    } catch (e) {
      setConnection('Reconnecting…');
      scheduleReconnect();
    } finally {
      state.busy = false;
    }
  }

  function openSocket() {
    const ws = new WebSocket(`${WS_URL}?visitor_token=${encodeURIComponent(state.token)}`);
    state.ws = ws;
    state.serial += 1;
    state.hello = false;
    if (!ui.connection.textContent) setConnection('Connecting…');
    ws.onmessage = (e) => { if (state.ws === ws && typeof e.data === 'string') onFrame(e.data); };
    ws.onclose = () => socketLost(ws, false);
    // A connection attempt into a black hole can take minutes to fail on its own.
    setTimeout(() => { if (state.ws === ws && !state.hello) socketLost(ws, true); }, ACK_TIMEOUT_MS);
  }
  // The socket closed, or (stale) is given up on: forget it at once and schedule the next one.
  function socketLost(ws, stale) {
    if (state.ws !== ws) return;
    // No hello: the upgrade may have been refused for a stale token (browsers hide the status),
    // so check the token over HTTP before the next attempt.
    if (!state.hello) state.validate = true;
    state.ws = null;
    state.hello = false;
    state.inflight = null;
    clearTimeout(state.ackTimer);
    typingActive = false;
    setAgentTyping(false);
    setConnection('Reconnecting…');
    scheduleReconnect();
    if (stale) { ws.onclose = null; ws.close(); }
  }

  // --- page API --------------------------------------------------------------------------------
  function open() {
    if (!ui.panel) return;
    state.open = true;
    ui.panel.hidden = false;
    ui.root.dataset.open = 'true';
    ui.launcher.setAttribute('aria-expanded', 'true');
    ui.launcher.setAttribute('aria-label', 'Close chat');
    state.wantSession = true;
    if (!state.token && needsPrechat()) showPrechat(true);
    else { ui.input.focus(); connect(); }
    markRead();
    scrollToBottom(true);
  }
  function close() {
    if (!ui.panel) return;
    state.open = false;
    ui.panel.hidden = true;
    ui.root.dataset.open = 'false';
    ui.launcher.setAttribute('aria-expanded', 'false');
    setUnread(0);
    stopTyping();
  }
  const toggle = () => (state.open ? close() : open());
  window.Switchboard = Object.freeze({ open, close, toggle, version: '1' });

  async function boot() {
    // The config decides whether to show anything at all; unknown inbox (404) means stay invisible.
    for (let delay = 1000; ; delay = Math.min(30000, delay * 2)) {
      try {
        const r = await api('GET', 'config');
        if (r.status === 200 && r.data) { state.config = r.data; break; }
        if (r.status < 500) { console.warn('[switchboard] widget config:', errorText(r)); return; }
      } catch { /* network: try again */ }
      await sleep(delay);
    }
    if (state.config.require_identity_verification && !identity.identifier) return; // only for signed-in users
    // Another signed-in person (or none) on this browser: the old session and its drafts are not theirs.
    if (state.token && (store.get('identifier') || null) !== identity.identifier) {
      state.token = null;
      store.del('visitor_token');
      store.del('last_read');
      state.outbox = [];
      saveOutbox();
    }
    if (!document.body) await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
    buildUI();
    renderAll([]); // drafts from an earlier page stay visible as "sending…"
    if (identity.identifier) state.wantSession = true; // a known user: connect now to show unread replies
    if (state.token || state.wantSession) connect();
    // Back online after a network drop: try now instead of waiting out the backoff.
    window.addEventListener('online', () => { if (!state.ws) { state.attempt = 0; connect(); } });
    // Tabs of the same site share the outbox: adopt another tab's write so ours never drops its entries
    // (both tabs may then send an entry; the server makes the repeated client_id harmless).
    // Entries still uploading here are not in storage: keep them.
    window.addEventListener('storage', (e) => {
      if (e.key !== PREFIX + 'outbox') return;
      state.outbox = loadOutbox().concat(state.outbox.filter((entry) => state.uploads.has(entry.client_id)));
    });
  }
  boot();
})();
