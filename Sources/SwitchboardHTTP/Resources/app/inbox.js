// The unified inbox: every channel's conversations in one list with filters and search, kept live
// from the realtime socket, beside the open conversation. j/k move, Enter opens, / searches.
import { get, query } from "./api.js";
import { h, mount, since, channelBadge, CHANNEL_NAMES } from "./dom.js";
import { directory } from "./main.js";
import { ConversationView } from "./conversation.js";

const PAGE = 25;

export class InboxView {
  constructor(container, { realtime }) {
    this.realtime = realtime;
    this.filters = { view: "all", status: "open", inbox_id: "", channel: "", team_id: "", label: "", q: "" };
    this.items = [];
    this.nextCursor = null;
    this.selectedID = null;
    this.openID = null;
    this.conversation = null;
    this.loadToken = 0;
    // Conversations that changed while a list read was in flight: the page that comes back was read
    // before some of them, so they are applied again on top of it (in arrival order) instead of lost.
    this.changedDuringLoad = null;

    this.list = h("ul", { class: "conversation-list", role: "listbox", "aria-label": "Conversations", tabindex: "0" });
    this.more = h("button", { class: "more", onclick: () => this.load(true) }, "Load more");
    this.empty = h("p", { class: "muted empty" }, "No conversations match.");
    this.detail = h("section", { class: "detail", "aria-label": "Conversation" },
      h("div", { class: "placeholder muted" }, "Select a conversation. Keys: j/k move, Enter opens, r reply, n note, e resolve, / search."));
    this.pane = h("section", { class: "list-pane", "aria-label": "Inbox" }, this.filterBar(), this.list, this.empty, this.more);
    this.element = h("div", { class: "inbox" }, this.pane, this.detail);
    mount(container, this.element);

    this.unsubscribe = [
      realtime.on("conversation.created", (c) => this.upsert(c)),
      realtime.on("conversation.updated", (c) => this.upsert(c)),
      realtime.on("message.created", (m) => this.conversation?.messageArrived(m)),
      // A reply's delivery status changed (the customer read it): the bubble shows the new status.
      realtime.on("message.updated", (m) => this.conversation?.messageArrived(m)),
      realtime.on("typing", (t) => this.conversation?.typingArrived(t)),
      // Each time the socket is live the list is read again: on the first connect, a conversation that
      // arrived after a list read started but before the socket's start point would otherwise be missing
      // (a load in flight is superseded); after a reconnect it also fixes ordering and counts.
      realtime.on("state", (state) => { if (state === "live") this.load(); }),
    ];
    this.keys = (event) => this.onKey(event);
    document.addEventListener("keydown", this.keys);
    this.ticker = setInterval(() => this.refreshWaits(), 30000);
    this.load();
  }

  destroy() {
    this.unsubscribe.forEach((off) => off());
    document.removeEventListener("keydown", this.keys);
    clearInterval(this.ticker);
    this.conversation?.destroy();
  }

  filterBar() {
    const tabs = h("div", { class: "tabs", role: "tablist" }, ...[["mine", "Mine"], ["unassigned", "Unassigned"], ["all", "All"]].map(
      ([value, label]) => h("button", {
        role: "tab", "data-view": value, "aria-selected": String(this.filters.view === value),
        onclick: () => { this.setFilter("view", value); this.syncTabs(tabs); },
      }, label)));
    this.tabs = tabs;
    const select = (name, label, options) => h("select", {
      "aria-label": label, "data-filter": name, onchange: (e) => this.setFilter(name, e.target.value),
    }, ...options.map(([value, text]) => h("option", { value, selected: this.filters[name] === value }, text)));
    const search = h("input", {
      type: "search", placeholder: "Search conversations", "aria-label": "Search", "data-filter": "q",
      onkeydown: (e) => { if (e.key === "Enter") this.setFilter("q", e.target.value.trim()); if (e.key === "Escape") e.target.blur(); },
      onsearch: (e) => this.setFilter("q", e.target.value.trim()),
    });
    this.search = search;
    return h("div", { class: "filters" }, tabs, search,
      h("div", { class: "selects" },
        select("status", "Status", [["open", "Open"], ["pending", "Pending"], ["snoozed", "Snoozed"], ["resolved", "Resolved"], ["", "Any status"]]),
        select("inbox_id", "Inbox", [["", "All inboxes"], ...directory.inboxes.map((i) => [i.id, i.name])]),
        select("channel", "Channel", [["", "All channels"], ...Object.entries(CHANNEL_NAMES)]),
        select("team_id", "Team", [["", "All teams"], ...directory.teams.map((t) => [t.id, t.name])]),
        select("label", "Label", [["", "All labels"], ...directory.labels.map((l) => [l.name, l.name])])));
  }

  syncTabs(tabs) {
    for (const tab of tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.view === this.filters.view));
  }

  setFilter(name, value) {
    if (this.filters[name] === value) return;
    this.filters[name] = value;
    this.load();
  }

  params(cursor) {
    const f = this.filters;
    const assignee = f.view === "mine" ? "me" : f.view === "unassigned" ? "none" : "";
    return query({ status: f.status, inbox_id: f.inbox_id, channel: f.channel, team_id: f.team_id, label: f.label,
      q: f.q, assignee_id: assignee, limit: PAGE, cursor });
  }

  async load(more = false) {
    const token = ++this.loadToken;
    if (!more) this.changedDuringLoad = [];
    this.element.classList.add("loading");
    try {
      const page = await get(`/conversations${this.params(more ? this.nextCursor : undefined)}`);
      if (token !== this.loadToken) return;
      if (more) {
        this.items = [...this.items, ...page.items.filter((c) => !this.items.some((i) => i.id === c.id))];
      } else {
        this.items = page.items;
        for (const c of this.changedDuringLoad || []) this.apply(c);
        this.sortItems();
      }
      this.nextCursor = page.next_cursor;
      this.render();
    } finally {
      if (token === this.loadToken) {
        this.changedDuringLoad = null;
        this.element.classList.remove("loading");
      }
    }
  }

  /** Would the server list this conversation under the current filters? (Text search is the server's: new
   *  conversations are not added live while a search is active, but listed ones still update.) */
  matches(c) {
    const f = this.filters;
    if (f.status && c.status !== f.status) return false;
    if (f.inbox_id && c.inbox_id !== f.inbox_id) return false;
    if (f.channel && c.channel !== f.channel) return false;
    if (f.team_id && c.team_id !== f.team_id) return false;
    if (f.label && !c.labels.includes(f.label)) return false;
    if (f.view === "mine" && c.assignee_id !== directory.me.id) return false;
    if (f.view === "unassigned" && c.assignee_id) return false;
    return !f.q;
  }

  upsert(c) {
    this.changedDuringLoad?.push(c);
    if (this.apply(c)) {
      this.sortItems();
      this.render();
    }
    if (this.openID === c.id) this.conversation?.conversationChanged(c);
  }

  /** Puts a changed conversation into the list, or takes it out when it no longer matches; false when the
   *  list is unchanged. */
  apply(c) {
    const index = this.items.findIndex((i) => i.id === c.id);
    if (index >= 0) {
      if (this.matches(c) || this.filters.q) this.items[index] = c;
      else this.items.splice(index, 1);
      return true;
    }
    if (!this.matches(c)) return false;
    this.items.push(c);
    return true;
  }

  sortItems() {
    this.items.sort((a, b) => (b.last_activity_at > a.last_activity_at ? 1 : b.last_activity_at < a.last_activity_at ? -1 : 0));
  }

  render() {
    mount(this.list, ...this.items.map((c) => this.row(c)));
    this.empty.hidden = this.items.length > 0;
    this.more.hidden = !this.nextCursor;
  }

  row(c) {
    const waiting = c.sla?.waiting_since;
    const waitMinutes = waiting ? (Date.now() - Date.parse(waiting)) / 60000 : 0;
    const sla = waiting ? h("span", {
      class: `sla ${waitMinutes >= 60 ? "breached" : waitMinutes >= 15 ? "warning" : "ok"}`,
      title: c.sla.first_response_at ? "Waiting for a reply" : "Waiting for a first reply",
      "data-waiting-since": waiting,
    }, since(waiting)) : null;
    const preview = c.last_message ? `${c.last_message.direction === "out" ? "You: " : ""}${c.last_message.content}` : "";
    return h("li", {
      role: "option", "data-id": c.id, tabindex: "-1",
      class: `row${c.id === this.selectedID ? " selected" : ""}${c.id === this.openID ? " open" : ""}${c.unread_count ? " unread" : ""}`,
      "aria-selected": String(c.id === this.selectedID),
      onclick: () => { location.hash = `#/conversations/${c.id}`; },
    },
    h("div", { class: "row-top" }, channelBadge(c.channel), h("span", { class: "name" }, c.contact.name || "Visitor"),
      h("span", { class: "number muted" }, `#${c.number}`), sla,
      c.unread_count ? h("span", { class: "unread-count", "aria-label": `${c.unread_count} unread` }, String(c.unread_count)) : null),
    h("div", { class: "preview" }, preview),
    h("div", { class: "row-meta muted" },
      h("span", {}, c.assignee_id ? directory.agentName(c.assignee_id) : "Unassigned"),
      c.priority && c.priority !== "none" ? h("span", { class: `priority ${c.priority}` }, c.priority) : null,
      ...c.labels.map((l) => h("span", { class: "label-chip" }, l))));
  }

  refreshWaits() {
    for (const badge of this.list.querySelectorAll("[data-waiting-since]")) badge.textContent = since(badge.dataset.waitingSince);
  }

  show(id) {
    this.element.classList.toggle("detail-open", Boolean(id));
    if (id === this.openID && this.conversation) return;
    this.conversation?.destroy();
    this.conversation = null;
    this.openID = id;
    if (id) this.selectedID = id;
    this.render();
    if (!id) {
      mount(this.detail, h("div", { class: "placeholder muted" }, "Select a conversation. Keys: j/k move, Enter opens, r reply, n note, e resolve, / search."));
      document.title = "Inbox · Switchboard";
      return;
    }
    this.conversation = new ConversationView(this.detail, id, {
      realtime: this.realtime,
      onBack: () => { location.hash = "#/inbox"; },
      onChange: (c) => this.upsert(c),
    });
  }

  onKey(event) {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    if (event.key === "Escape" && typing) { target.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": this.move(1); break;
      case "k": this.move(-1); break;
      case "Enter": if (this.selectedID) location.hash = `#/conversations/${this.selectedID}`; else return; break;
      case "/": this.search.focus(); break;
      case "r": if (!this.conversation) return; this.conversation.compose(false); break;
      case "n": if (!this.conversation) return; this.conversation.compose(true); break;
      case "e": if (!this.conversation) return; this.conversation.resolve(); break;
      default: return;
    }
    event.preventDefault();
  }

  move(step) {
    if (!this.items.length) return;
    const index = this.items.findIndex((c) => c.id === this.selectedID);
    const next = Math.min(this.items.length - 1, Math.max(0, index < 0 ? 0 : index + step));
    this.selectedID = this.items[next].id;
    location.hash = `#/conversations/${this.selectedID}`;
    this.list.querySelector(`[data-id="${CSS.escape(this.selectedID)}"]`)?.scrollIntoView({ block: "nearest" });
  }
}
