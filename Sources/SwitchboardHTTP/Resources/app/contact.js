// The customer beside the conversation: who they are on every channel, what we know about them, and
// every other conversation they have had anywhere, so nobody asks them to repeat themselves.
import { get } from "./api.js";
import { h, mount, clock, channelBadge, CHANNEL_NAMES } from "./dom.js";

export class ContactPanel {
  constructor(container, contactID, currentConversationID) {
    this.container = container;
    this.currentConversationID = currentConversationID;
    mount(container, h("p", { class: "muted" }, "Loading contact…"));
    get(`/contacts/${encodeURIComponent(contactID)}`)
      .then((contact) => this.render(contact))
      .catch((error) => mount(container, h("p", { class: "error" }, error.message)));
  }

  render(contact) {
    const list = (title, items) => items.length ? h("section", {}, h("h4", {}, title), h("ul", {}, ...items)) : null;
    const attributes = Object.entries(contact.attributes || {});
    const others = (contact.conversations || []).filter((c) => c.id !== this.currentConversationID);
    mount(this.container,
      h("h3", { "data-testid": "contact-name" }, contact.name || "Visitor"),
      list("Email", (contact.emails || []).map((e) => h("li", {}, e))),
      list("Phone", (contact.phones || []).map((p) => h("li", {}, p))),
      list("Channels", (contact.identities || []).map((i) => h("li", {}, channelBadge(i.channel), " ",
        CHANNEL_NAMES[i.channel] || i.channel, ": ", h("code", {}, i.external_id)))),
      list("Attributes", attributes.map(([key, value]) => h("li", {}, h("span", { class: "muted" }, `${key}: `),
        typeof value === "string" ? value : JSON.stringify(value)))),
      h("section", {}, h("h4", {}, "Other conversations"),
        others.length ? h("ul", { class: "other-conversations" }, ...others.map((c) => h("li", {},
          h("a", { href: `#/conversations/${c.id}` }, channelBadge(c.channel), ` #${c.number} `,
            h("span", { class: `status ${c.status}` }, c.status)),
          h("div", { class: "muted" }, c.last_message ? c.last_message.content : ""),
          h("div", { class: "muted small" }, clock(c.last_activity_at)))))
          : h("p", { class: "muted" }, "None on any channel.")));
  }
}
