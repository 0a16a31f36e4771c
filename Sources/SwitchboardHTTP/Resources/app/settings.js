// Settings for administrators: agents and roles, teams, inboxes of every channel (with their webhook
// URL, secrets shown once, and the widget snippet), inbox members, labels, canned responses.
import { get, post, patch, put, del } from "./api.js";
import { h, mount, toast, CHANNEL_NAMES } from "./dom.js";
import { directory } from "./main.js";

const SECTIONS = [["agents", "Agents"], ["teams", "Teams"], ["inboxes", "Inboxes"], ["labels", "Labels"], ["canned", "Canned responses"]];

/** The settings each channel asks for (API.md "Settings by channel"); secrets are password fields. */
const CHANNEL_FIELDS = {
  api: [["callback_url", "Callback URL for replies (optional)", "url"]],
  web_chat: [["greeting", "Greeting"], ["require_identity_verification", "Require identity verification", "checkbox"]],
  email: [["address", "Support address"], ["smtp_host", "SMTP host"], ["smtp_port", "SMTP port", "number"], ["smtp_username", "SMTP user"],
    ["smtp_password", "SMTP password", "password"], ["smtp_tls", "SMTP TLS (none, starttls, tls)"]],
  whatsapp: [["phone_number_id", "Phone number id"], ["access_token", "Access token", "password"], ["app_secret", "App secret", "password"],
    ["verify_token", "Verify token", "password"], ["api_base_url", "API base URL (optional)"]],
  messenger: [["page_id", "Page id"], ["page_access_token", "Page access token", "password"], ["app_secret", "App secret", "password"],
    ["verify_token", "Verify token", "password"], ["api_base_url", "API base URL (optional)"]],
  telegram: [["bot_token", "Bot token", "password"], ["secret_token", "Secret token", "password"], ["api_base_url", "API base URL (optional)"]],
  sms: [["account_sid", "Account SID"], ["auth_token", "Auth token", "password"], ["phone_number", "Phone number"], ["api_base_url", "API base URL (optional)"]],
  twitter: [["account_handle", "Account handle"], ["consumer_secret", "Consumer secret", "password"], ["bearer_token", "Bearer token", "password"],
    ["listen_keywords", "Keywords to listen for (comma separated)"], ["api_base_url", "API base URL (optional)"]],
};
CHANNEL_FIELDS.instagram = CHANNEL_FIELDS.messenger;
CHANNEL_FIELDS.voice = CHANNEL_FIELDS.sms;

/** A named control's value; `form.name` would be the form's own name, `form.role` its ARIA role. */
function valueOf(form, name) {
  return form.elements.namedItem(name).value;
}

export class SettingsView {
  constructor(container) {
    this.nav = h("nav", { class: "settings-nav", "aria-label": "Settings" },
      ...SECTIONS.map(([id, label]) => h("a", { href: `#/settings/${id}`, "data-section": id }, label)));
    this.body = h("section", { class: "settings-body" });
    mount(container, h("div", { class: "settings" }, this.nav, this.body));
  }

  async show(section) {
    for (const link of this.nav.children) link.classList.toggle("active", link.dataset.section === section);
    try {
      await directory.load();
      const render = { agents: () => this.agents(), teams: () => this.teams(), inboxes: () => this.inboxes(),
        labels: () => this.labels(), canned: () => this.canned() }[section] || (() => this.agents());
      await render();
    } catch (error) {
      mount(this.body, h("p", { class: "error" }, error.message));
    }
  }

  form(fields, submitLabel, onsubmit) {
    const error = h("p", { class: "error", role: "alert" });
    const form = h("form", {
      class: "settings-form",
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = "";
        try {
          await onsubmit(form);
          form.reset();
        } catch (failure) {
          error.textContent = failure.message;
        }
      },
    }, ...fields, h("button", { type: "submit", class: "primary" }, submitLabel), error);
    return form;
  }

  async agents() {
    const isLastAdmin = (a) => a.role === "admin" && directory.agents.filter((x) => x.role === "admin").length === 1;
    mount(this.body, h("h2", {}, "Agents"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Email"), h("th", {}, "Role"))),
        h("tbody", {}, ...directory.agents.map((a) => h("tr", {},
          h("td", {}, a.name), h("td", {}, a.email),
          h("td", {}, h("select", {
            "aria-label": `Role of ${a.name}`, disabled: isLastAdmin(a),
            onchange: async (e) => {
              try { await patch(`/agents/${encodeURIComponent(a.id)}`, { role: e.target.value }); toast(`${a.name} is now ${e.target.value}.`); } catch (error) { toast(error.message, "error"); }
              this.show("agents");
            },
          }, ...["agent", "admin"].map((r) => h("option", { value: r, selected: a.role === r }, r)))))))),
      h("h3", {}, "Add an agent"),
      this.form([
        h("input", { name: "name", placeholder: "Name", required: true, "aria-label": "Name" }),
        h("input", { name: "email", type: "email", placeholder: "Email", required: true, "aria-label": "Email" }),
        h("input", { name: "password", type: "password", placeholder: "Initial password (8+ characters)", required: true, "aria-label": "Password" }),
        h("select", { name: "role", "aria-label": "Role" }, h("option", { value: "agent" }, "agent"), h("option", { value: "admin" }, "admin")),
      ], "Add agent", async (form) => {
        await post("/agents", { name: valueOf(form, "name"), email: valueOf(form, "email"), password: valueOf(form, "password"), role: valueOf(form, "role") });
        toast("Agent added.");
        this.show("agents");
      }));
  }

  async teams() {
    mount(this.body, h("h2", {}, "Teams"),
      h("ul", { class: "plain" }, ...directory.teams.map((t) => h("li", {}, h("strong", {}, t.name), " — ",
        (t.agent_ids || []).map((id) => directory.agentName(id)).join(", ") || "no members"))),
      h("h3", {}, "Create a team"),
      this.form([
        h("input", { name: "name", placeholder: "Team name", required: true, "aria-label": "Team name" }),
        h("fieldset", {}, h("legend", {}, "Members"), ...directory.agents.map((a) => h("label", { class: "check" },
          h("input", { type: "checkbox", name: "agent", value: a.id }), a.name))),
      ], "Create team", async (form) => {
        const ids = [...form.querySelectorAll("input[name=agent]:checked")].map((i) => i.value);
        await post("/teams", { name: valueOf(form, "name"), agent_ids: ids });
        toast("Team created.");
        this.show("teams");
      }));
  }

  /** `justCreated`: an inbox created a moment ago, whose secrets are shown this once. */
  async inboxes(justCreated) {
    const fieldsHost = h("div", { class: "channel-fields" });
    const channel = h("select", { name: "channel", "aria-label": "Channel", onchange: () => renderFields() },
      ...Object.entries(CHANNEL_NAMES).map(([value, label]) => h("option", { value }, label)));
    const renderFields = () => mount(fieldsHost, ...(CHANNEL_FIELDS[channel.value] || []).map(([key, label, type]) =>
      type === "checkbox"
        ? h("label", { class: "check" }, h("input", { type: "checkbox", name: `setting:${key}` }), label)
        : h("input", { name: `setting:${key}`, type: type || "text", placeholder: label, "aria-label": label })));
    renderFields();
    const created = h("div", { class: "created", "aria-live": "polite" }, justCreated ? this.inboxDetails(justCreated, true) : null);
    mount(this.body, h("h2", {}, "Inboxes"),
      h("ul", { class: "plain inbox-list" }, ...directory.inboxes.map((i) => this.inboxRow(i))),
      h("h3", {}, "Create an inbox"),
      this.form([h("input", { name: "name", placeholder: "Inbox name", required: true, "aria-label": "Inbox name" }), channel, fieldsHost],
        "Create inbox", async (form) => {
          const settings = {};
          for (const input of form.querySelectorAll("[name^='setting:']")) {
            const key = input.name.slice(8);
            if (input.type === "checkbox") settings[key] = input.checked;
            else if (input.type === "number" && input.value) settings[key] = Number(input.value);
            else if (key === "listen_keywords" && input.value) settings[key] = input.value.split(",").map((k) => k.trim()).filter(Boolean);
            else if (input.value) settings[key] = input.value;
          }
          const inbox = await post("/inboxes", { name: valueOf(form, "name"), channel: channel.value, settings });
          await directory.load();
          await this.inboxes(inbox);
        }),
      created);
  }

  inboxRow(inbox) {
    return h("li", {}, h("details", {}, h("summary", {}, h("strong", {}, inbox.name), ` · ${CHANNEL_NAMES[inbox.channel] || inbox.channel}`),
      this.inboxDetails(inbox, false), this.members(inbox)));
  }

  inboxDetails(inbox, justCreated) {
    const origin = location.origin;
    const secret = (label, value) => value ? h("p", {}, `${label}: `, h("code", { "data-testid": "secret" }, value)) : null;
    return h("div", { class: "inbox-details" },
      justCreated ? h("p", { class: "notice" }, `Created ${inbox.name}. Secrets are shown once: copy them now.`) : null,
      h("p", {}, "Inbox id: ", h("code", {}, inbox.id)),
      inbox.webhook_url ? h("p", {}, "Webhook URL for the provider: ", h("code", {}, inbox.webhook_url)) : null,
      inbox.channel === "api" ? h("p", {}, "Post customer messages to ", h("code", {}, `${origin}/api/v1/inboxes/${inbox.id}/incoming`),
        " with header X-Inbox-Token.") : null,
      inbox.channel === "api" && inbox.settings?.callback_url ? h("p", {}, "Replies are posted to ", h("code", {}, inbox.settings.callback_url),
        ", signed in X-Switchboard-Signature.") : null,
      secret("Inbound token", inbox.inbound_token),
      secret("Callback signing secret", justCreated ? inbox.settings?.callback_secret : null),
      secret("Identity HMAC secret", inbox.hmac_secret),
      inbox.channel === "web_chat" ? h("div", {}, h("p", {}, "Paste this before </body> on your site:"),
        h("pre", { class: "snippet", "data-testid": "embed-snippet" }, `<script src="${origin}/widget.js" data-inbox="${inbox.id}" async></script>`)) : null);
  }

  members(inbox) {
    const host = h("div", { class: "members" }, h("p", { class: "muted" }, "Loading members…"));
    get(`/inboxes/${encodeURIComponent(inbox.id)}/members`).then((members) => {
      const ids = new Set(members.agent_ids || []);
      mount(host, this.form([h("fieldset", {}, h("legend", {}, "Members (agents who see this inbox; admins see all)"),
        ...directory.agents.map((a) => h("label", { class: "check" }, h("input", { type: "checkbox", value: a.id, checked: ids.has(a.id) }), a.name)))],
      "Save members", async (form) => {
        const chosen = [...form.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
        await put(`/inboxes/${encodeURIComponent(inbox.id)}/members`, { agent_ids: chosen });
        toast("Members saved.");
      }));
    }).catch((error) => mount(host, h("p", { class: "error" }, error.message)));
    return host;
  }

  async labels() {
    mount(this.body, h("h2", {}, "Labels"),
      h("ul", { class: "plain" }, ...directory.labels.map((l) => h("li", {},
        h("span", { class: "label-chip", "data-color": l.color }, l.name), " ", h("span", { class: "muted" }, l.description || ""), " ",
        h("button", { class: "link danger", onclick: async () => { await del(`/labels/${encodeURIComponent(l.id)}`); this.show("labels"); } }, "Delete")))),
      h("h3", {}, "Add a label"),
      this.form([
        h("input", { name: "name", placeholder: "name (lowercase, - and _)", required: true, "aria-label": "Label name" }),
        h("input", { name: "description", placeholder: "Description (optional)", "aria-label": "Description" }),
        h("input", { name: "color", type: "color", value: "#4f7cff", "aria-label": "Color" }),
      ], "Add label", async (form) => {
        await post("/labels", { name: valueOf(form, "name").trim(), description: valueOf(form, "description") || undefined, color: valueOf(form, "color") });
        this.show("labels");
      }));
  }

  async canned() {
    const items = (await get("/canned_responses")).items;
    mount(this.body, h("h2", {}, "Canned responses"),
      h("p", { class: "muted" }, "Agents type / and the short code in the composer to insert one."),
      h("table", {}, h("tbody", {}, ...items.map((c) => h("tr", {},
        h("td", {}, h("code", {}, `/${c.short_code}`)), h("td", { class: "pre" }, c.content),
        h("td", {}, h("button", {
          class: "link", onclick: async () => {
            const content = prompt(`New text for /${c.short_code}`, c.content);
            if (content === null) return;
            try { await patch(`/canned_responses/${encodeURIComponent(c.id)}`, { content }); } catch (error) { toast(error.message, "error"); }
            this.show("canned");
          },
        }, "Edit"), " ", h("button", { class: "link danger", onclick: async () => { await del(`/canned_responses/${encodeURIComponent(c.id)}`); this.show("canned"); } }, "Delete")))))),
      h("h3", {}, "Add a canned response"),
      this.form([
        h("input", { name: "short_code", placeholder: "short code, e.g. refund", required: true, "aria-label": "Short code" }),
        h("textarea", { name: "content", placeholder: "Text", required: true, rows: 3, "aria-label": "Text" }),
      ], "Add canned response", async (form) => {
        await post("/canned_responses", { short_code: valueOf(form, "short_code").trim(), content: valueOf(form, "content") });
        this.show("canned");
      }));
  }
}
