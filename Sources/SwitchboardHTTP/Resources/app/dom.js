// Building the page without innerHTML: every piece of text a customer or agent typed becomes a text
// node, so markup in it is shown, never run.

/** Creates an element. `attrs`: class, on<event> handlers, boolean or string attributes; children:
 *  nodes, strings (as text), arrays, or null/false (skipped). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "3 min", "2 h", "5 d": how long ago (or since) a timestamp, for wait times. */
export function since(iso, now = Date.now()) {
  if (!iso) return "";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

export function clock(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** A short-lived message at the bottom of the screen (errors from the API, confirmations). */
export function toast(text, kind = "info") {
  let host = document.getElementById("toasts");
  if (!host) {
    host = h("div", { id: "toasts", role: "status", "aria-live": "polite" });
    document.body.appendChild(host);
  }
  const item = h("div", { class: `toast ${kind}` }, text);
  host.appendChild(item);
  setTimeout(() => item.remove(), kind === "error" ? 6000 : 3000);
}

// Short text badges rather than emoji: they render the same with any font, headless browsers included.
export const CHANNEL_ICONS = {
  api: "API", web_chat: "Chat", email: "Mail", whatsapp: "WA", messenger: "FB", instagram: "IG",
  telegram: "TG", sms: "SMS", twitter: "X", voice: "Tel",
};

export const CHANNEL_NAMES = {
  api: "API", web_chat: "Web chat", email: "Email", whatsapp: "WhatsApp", messenger: "Messenger",
  instagram: "Instagram", telegram: "Telegram", sms: "SMS", twitter: "Twitter / X", voice: "Voice",
};

export function channelBadge(channel) {
  return h("span", { class: "channel", "data-channel": channel, title: CHANNEL_NAMES[channel] || channel,
    "aria-label": CHANNEL_NAMES[channel] || channel }, CHANNEL_ICONS[channel] || "?");
}
