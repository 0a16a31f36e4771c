// One conversation: the whole timeline (customer, agents, bot, system, private notes), the composer
// (reply or private note, canned responses with "/", attachments), and the actions an agent takes:
// assign, team, priority, labels, resolve, snooze, reopen.
import { get, post, patch, query, upload, attachmentURL } from "./api.js";
import { h, mount, clock, toast, channelBadge, CHANNEL_NAMES } from "./dom.js";
import { directory } from "./main.js";
import { ContactPanel } from "./contact.js";

export class ConversationView {
  constructor(container, id, { realtime, onBack, onChange }) {
    this.id = id;
    this.realtime = realtime;
    this.onChange = onChange;
    this.messages = new Map();
    this.pending = [];
    this.isNote = false;
    this.destroyed = false;
    this.typingTimer = null;
    this.lastTypingSent = 0;

    this.header = h("header", { class: "conversation-header" });
    this.timeline = h("ol", { class: "timeline", "aria-label": "Messages", "aria-live": "polite" });
    this.typingLine = h("div", { class: "typing-line muted", "aria-live": "polite" });
    this.composer = this.buildComposer();
    this.contactHost = h("aside", { class: "contact-panel", "aria-label": "Contact" });
    this.back = h("button", { class: "back link", onclick: onBack, "aria-label": "Back to the list" }, "← Inbox");
    mount(container, h("div", { class: "conversation" },
      h("div", { class: "thread" }, this.back, this.header, this.timeline, this.typingLine, this.composer),
      this.contactHost));
    this.load();
  }

  destroy() {
    this.destroyed = true;
    clearTimeout(this.typingTimer);
    this.sendTyping(false);
  }

  async load() {
    try {
      const conversation = await get(`/conversations/${encodeURIComponent(this.id)}`);
      if (this.destroyed) return;
      this.conversationChanged(conversation);
      let cursor;
      do {
        const page = await get(`/conversations/${encodeURIComponent(this.id)}/messages${query({ limit: 100, cursor })}`);
        if (this.destroyed) return;
        for (const message of page.items) this.messages.set(message.id, message);
        cursor = page.next_cursor;
      } while (cursor && this.messages.size < 2000);
      this.renderTimeline();
      new ContactPanel(this.contactHost, conversation.contact.id, this.id);
      if (conversation.unread_count > 0) this.onChange(await post(`/conversations/${encodeURIComponent(this.id)}/read`));
    } catch (error) {
      mount(this.header, h("p", { class: "error" }, error.status === 404 ? "This conversation does not exist or you cannot see it." : error.message));
    }
  }

  conversationChanged(c) {
    if (c.id !== this.id) return;
    this.current = c;
    document.title = `#${c.number} ${c.contact.name} · Switchboard`;
    this.renderHeader();
  }

  renderHeader() {
    const c = this.current;
    const select = (label, value, options, onchange, testid) => h("label", { class: "inline" }, h("span", { class: "muted" }, label),
      h("select", { "data-testid": testid, onchange: (e) => onchange(e.target.value) },
        ...options.map(([v, text]) => h("option", { value: v, selected: (value || "") === v }, text))));
    const statusActions = c.status === "resolved"
      ? [h("button", { onclick: () => this.update({ status: "open" }), "data-testid": "reopen" }, "Reopen")]
      : [h("button", { class: "primary", onclick: () => this.resolve(), "data-testid": "resolve", title: "Resolve (e)" }, "Resolve"),
        h("select", { "aria-label": "Snooze", "data-testid": "snooze", onchange: (e) => this.snooze(e.target) },
          h("option", { value: "" }, "Snooze…"), h("option", { value: "1h" }, "1 hour"), h("option", { value: "tomorrow" }, "Tomorrow 09:00"),
          h("option", { value: "week" }, "Next week"), h("option", { value: "custom" }, "Pick a time…"))];
    const labelInput = h("input", {
      class: "label-input", placeholder: "Add label", list: "label-options", "aria-label": "Add label", "data-testid": "label-input",
      onkeydown: (e) => {
        if (e.key !== "Enter") return;
        const name = e.target.value.trim().toLowerCase();
        if (name && !c.labels.includes(name)) this.update({ labels: [...c.labels, name] });
        e.target.value = "";
      },
    });
    mount(this.header,
      h("div", { class: "title-row" },
        channelBadge(c.channel),
        h("h2", {}, c.contact.name || "Visitor"),
        h("span", { class: "muted" }, `#${c.number} · ${CHANNEL_NAMES[c.channel] || c.channel} · ${directory.inboxes.find((i) => i.id === c.inbox_id)?.name || ""}`),
        h("span", { class: `status ${c.status}`, "data-testid": "status" }, c.status === "snoozed" && c.snoozed_until ? `snoozed until ${clock(c.snoozed_until)}` : c.status),
        h("div", { class: "spacer" }), ...statusActions),
      h("div", { class: "controls" },
        select("Assignee", c.assignee_id, [["", "Unassigned"], ...directory.agents.map((a) => [a.id, a.name])],
          (v) => this.update({ assignee_id: v || null }), "assignee"),
        select("Team", c.team_id, [["", "No team"], ...directory.teams.map((t) => [t.id, t.name])], (v) => this.update({ team_id: v || null }), "team"),
        select("Priority", c.priority, [["none", "None"], ["low", "Low"], ["medium", "Medium"], ["high", "High"], ["urgent", "Urgent"]],
          (v) => this.update({ priority: v }), "priority"),
        h("div", { class: "labels" }, ...c.labels.map((l) => h("span", { class: "label-chip" }, l,
          h("button", { class: "link", "aria-label": `Remove label ${l}`, onclick: () => this.update({ labels: c.labels.filter((x) => x !== l) }) }, "×"))),
        labelInput, h("datalist", { id: "label-options" }, ...directory.labels.map((l) => h("option", { value: l.name }))))));
  }

  async update(change) {
    try {
      const c = await patch(`/conversations/${encodeURIComponent(this.id)}`, change);
      this.conversationChanged(c);
      this.onChange(c);
    } catch (error) {
      toast(error.message, "error");
      this.renderHeader();
    }
  }

  resolve() {
    if (this.current && this.current.status !== "resolved") this.update({ status: "resolved" });
  }

  snooze(select) {
    const choice = select.value;
    select.value = "";
    let until = new Date();
    if (choice === "1h") until = new Date(Date.now() + 3600e3);
    else if (choice === "tomorrow") { until.setDate(until.getDate() + 1); until.setHours(9, 0, 0, 0); }
    else if (choice === "week") { until.setDate(until.getDate() + ((8 - until.getDay()) % 7 || 7)); until.setHours(9, 0, 0, 0); }
    else if (choice === "custom") return this.pickSnoozeTime(select);
    else return;
    this.update({ status: "snoozed", snoozed_until: until.toISOString() });
  }

  /** A date-and-time field in place of the snooze menu (local time, like the agent's clock). */
  pickSnoozeTime(select) {
    const local = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
    const input = h("input", {
      type: "datetime-local", "aria-label": "Snooze until", "data-testid": "snooze-until",
      min: local(new Date()), value: local(new Date(Date.now() + 86400e3)),
    });
    const apply = () => {
      const until = new Date(input.value);
      if (Number.isNaN(until.getTime()) || until <= new Date()) return toast("Pick a time in the future.", "error");
      this.update({ status: "snoozed", snoozed_until: until.toISOString() });
    };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") apply(); if (e.key === "Escape") this.renderHeader(); });
    select.replaceWith(h("span", { class: "inline" }, input,
      h("button", { onclick: apply, "data-testid": "snooze-custom" }, "Snooze"),
      h("button", { class: "link", onclick: () => this.renderHeader() }, "Cancel")));
    input.focus();
  }

  renderTimeline() {
    const ordered = [...this.messages.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
    mount(this.timeline, ...ordered.map((m) => this.bubble(m)));
    this.timeline.scrollTop = this.timeline.scrollHeight;
  }

  bubble(m) {
    const kind = m.private ? "note" : m.sender.type === "system" ? "system" : m.sender.type === "bot" ? "bot" : m.direction === "in" ? "customer" : "agent";
    const who = kind === "customer" ? (this.current?.contact.name || "Customer")
      : kind === "agent" || kind === "note" ? directory.agentName(m.sender.id)
        : kind === "bot" ? "Bot" : "System";
    return h("li", { class: `message ${kind}`, "data-id": m.id, "data-kind": kind },
      h("div", { class: "meta" }, h("span", { class: "who" }, who), kind === "note" ? h("span", { class: "note-tag" }, "Private note") : null,
        h("time", { datetime: m.created_at }, clock(m.created_at))),
      m.content ? h("div", { class: "body" }, m.content) : null,
      m.attachments.length ? h("div", { class: "attachments" }, ...m.attachments.map((a) => this.attachment(a))) : null,
      m.direction === "out" && !m.private ? this.delivery(m) : null);
  }

  // How far a reply got; a failed one offers to send it again.
  delivery(m) {
    const retry = m.status === "failed"
      ? h("button", { class: "link", "data-testid": "retry", onclick: (event) => this.retry(m, event.currentTarget) }, "Retry")
      : null;
    return h("div", { class: `delivery ${m.status}`, "data-testid": "delivery" }, deliveryText(m.status), retry ? " · " : null, retry);
  }

  async retry(m, button) {
    button.disabled = true;
    try {
      this.messageArrived(await post(`/conversations/${encodeURIComponent(this.id)}/messages/${encodeURIComponent(m.id)}/retry`));
    } catch (error) {
      button.disabled = false;
      toast(`Not retried: ${error.message}`, "error");
    }
  }

  attachment(a) {
    if (a.content_type.startsWith("image/")) {
      const img = h("img", { alt: a.filename, class: "thumb" });
      attachmentURL(a.id).then((url) => { img.src = url; }).catch(() => { img.alt = `${a.filename} (could not load)`; });
      return img;
    }
    return h("button", {
      class: "file link", onclick: async () => {
        const link = h("a", { href: await attachmentURL(a.id), download: a.filename });
        link.click();
      },
    }, `${a.filename} (${Math.ceil(a.size / 1024)} KiB)`);
  }

  messageArrived(m) {
    if (m.conversation_id !== this.id) return;
    this.messages.set(m.id, m);
    if (m.direction === "in") this.typingLine.textContent = "";
    this.renderTimeline();
    if (m.direction === "in" && document.visibilityState === "visible") {
      post(`/conversations/${encodeURIComponent(this.id)}/read`).then((c) => this.onChange(c)).catch(() => {});
    }
  }

  typingArrived(t) {
    if (t.conversation_id !== this.id || t.actor.type !== "contact") return;
    clearTimeout(this.typingTimer);
    this.typingLine.textContent = t.typing ? `${this.current?.contact.name || "The customer"} is typing…` : "";
    if (t.typing) this.typingTimer = setTimeout(() => { this.typingLine.textContent = ""; }, 6000);
  }

  buildComposer() {
    this.textarea = h("textarea", {
      rows: 3, "aria-label": "Message", "data-testid": "composer",
      placeholder: "Reply to the customer… (type / for canned responses, Ctrl+Enter sends)",
      oninput: () => { this.suggestCanned(); this.maybeSendTyping(); },
      onkeydown: (e) => this.composerKey(e),
    });
    this.replyTab = h("button", { role: "tab", "aria-selected": "true", onclick: () => this.compose(false), "data-testid": "mode-reply" }, "Reply");
    this.noteTab = h("button", { role: "tab", "aria-selected": "false", onclick: () => this.compose(true), "data-testid": "mode-note" }, "Private note");
    this.fileInput = h("input", { type: "file", hidden: true, multiple: true, onchange: (e) => this.attach(e.target.files) });
    this.pendingList = h("div", { class: "pending" });
    this.cannedList = h("ul", { class: "canned", role: "listbox", hidden: true });
    this.sendButton = h("button", { class: "primary", onclick: () => this.send(), "data-testid": "send" }, "Send");
    this.form = h("div", { class: "composer" },
      h("div", { class: "tabs", role: "tablist" }, this.replyTab, this.noteTab),
      this.cannedList, this.textarea, this.pendingList,
      h("div", { class: "composer-actions" },
        h("button", { class: "link", onclick: () => this.fileInput.click(), "aria-label": "Attach files" }, "Attach file"), this.fileInput,
        h("div", { class: "spacer" }), this.sendButton));
    return this.form;
  }

  compose(note) {
    this.isNote = note;
    this.form.classList.toggle("note", note);
    this.replyTab.setAttribute("aria-selected", String(!note));
    this.noteTab.setAttribute("aria-selected", String(note));
    this.textarea.placeholder = note ? "Private note: only agents see it" : "Reply to the customer… (type / for canned responses, Ctrl+Enter sends)";
    this.sendButton.textContent = note ? "Add note" : "Send";
    this.textarea.focus();
  }

  composerKey(e) {
    if (!this.cannedList.hidden && ["ArrowDown", "ArrowUp", "Enter", "Tab", "Escape"].includes(e.key)) {
      const options = [...this.cannedList.children];
      let index = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
      if (e.key === "Escape") { this.cannedList.hidden = true; e.preventDefault(); e.stopPropagation(); return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        index = (index + (e.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
        options.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
      } else if (index >= 0) {
        options[index].click();
      }
      e.preventDefault();
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.send(); }
  }

  async suggestCanned() {
    const text = this.textarea.value;
    const match = /^\/(\S*)$/.exec(text);
    if (!match) { this.cannedList.hidden = true; return; }
    let items = [];
    try { items = (await get(`/canned_responses${query({ q: match[1] })}`)).items; } catch { items = []; }
    if (this.textarea.value !== text) return;
    mount(this.cannedList, ...items.slice(0, 8).map((c, i) => h("li", {
      role: "option", "aria-selected": String(i === 0),
      onmousedown: (e) => e.preventDefault(),
      onclick: () => { this.textarea.value = c.content; this.cannedList.hidden = true; this.textarea.focus(); },
    }, h("strong", {}, `/${c.short_code}`), " ", h("span", { class: "muted" }, c.content.slice(0, 80)))));
    this.cannedList.hidden = items.length === 0;
  }

  maybeSendTyping() {
    if (this.isNote) return;
    const now = Date.now();
    if (now - this.lastTypingSent > 2500) {
      this.lastTypingSent = now;
      this.realtime.send({ type: "typing", conversation_id: this.id, typing: true });
    }
    clearTimeout(this.stopTyping);
    this.stopTyping = setTimeout(() => this.sendTyping(false), 4000);
  }

  sendTyping(typing) {
    if (this.lastTypingSent === 0) return;
    this.realtime.send({ type: "typing", conversation_id: this.id, typing });
    if (!typing) this.lastTypingSent = 0;
  }

  async attach(files) {
    for (const file of files) {
      const chip = h("span", { class: "pending-file" }, `Uploading ${file.name}…`);
      this.pendingList.appendChild(chip);
      try {
        const attachment = await upload(file);
        this.pending.push(attachment);
        mount(chip, `${attachment.filename} `, h("button", {
          class: "link", "aria-label": `Remove ${attachment.filename}`,
          onclick: () => { this.pending = this.pending.filter((p) => p.id !== attachment.id); chip.remove(); },
        }, "×"));
      } catch (error) {
        chip.remove();
        toast(`${file.name}: ${error.message}`, "error");
      }
    }
    this.fileInput.value = "";
  }

  async send() {
    const content = this.textarea.value.trim();
    if (!content && this.pending.length === 0) return;
    this.sendButton.disabled = true;
    try {
      const message = await post(`/conversations/${encodeURIComponent(this.id)}/messages`, {
        content, private: this.isNote, attachments: this.pending.map((p) => p.id),
      });
      this.textarea.value = "";
      this.pending = [];
      this.pendingList.replaceChildren();
      this.sendTyping(false);
      this.messageArrived(message);
    } catch (error) {
      toast(`Not sent: ${error.message}`, "error");
    } finally {
      this.sendButton.disabled = false;
    }
  }
}

function deliveryText(status) {
  return { queued: "Queued", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Failed to deliver" }[status] || status;
}
