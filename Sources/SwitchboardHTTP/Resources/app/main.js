// The workspace's entry point: first-run setup, sign in, then the shell (navigation, inbox,
// conversation, contact, settings) driven by the URL hash so the back button and reloads work.
import { api, get, post, session, ApiError } from "./api.js";
import { h, mount, toast } from "./dom.js";
import { Realtime } from "./realtime.js";
import { InboxView } from "./inbox.js";
import { SettingsView } from "./settings.js";

const root = document.getElementById("root");

/** What every view reads: the signed-in agent and the workspace's agents, teams, inboxes, labels. */
export const directory = {
  me: null,
  agents: [],
  teams: [],
  inboxes: [],
  labels: [],
  agentName(id) { return this.agents.find((a) => a.id === id)?.name || "Unknown agent"; },
  async load() {
    const [agents, teams, inboxes, labels] = await Promise.all([
      get("/agents"), get("/teams"), get("/inboxes"), get("/labels").catch(() => ({ items: [] })),
    ]);
    this.agents = agents.items || agents;
    this.teams = teams.items || teams;
    this.inboxes = inboxes.items || inboxes;
    this.labels = labels.items || labels;
  },
};

let realtime = null;
let current = null;

session.onSignedOut = () => {
  if (realtime) realtime.stop();
  realtime = null;
  showSignIn("Your session ended. Sign in again.");
};

async function boot() {
  try {
    const setup = await get("/setup").catch((error) => (error.status === 404 ? { needs_setup: false } : Promise.reject(error)));
    if (setup.needs_setup) return showSetup();
    if (!session.token) return showSignIn();
    directory.me = await get("/me");
    await startWorkspace();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn();
    mount(root, h("div", { class: "centered" }, h("p", { class: "error" }, `Switchboard could not start: ${error.message}`),
      h("button", { onclick: () => boot() }, "Try again")));
  }
}

function authCard(title, subtitle, form) {
  return h("div", { class: "auth" }, h("div", { class: "card" },
    h("h1", {}, h("span", { class: "logo", "aria-hidden": "true" }, "☎"), " Switchboard"),
    h("h2", {}, title), subtitle ? h("p", { class: "muted" }, subtitle) : null, form));
}

function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

function showSignIn(notice) {
  document.title = "Sign in · Switchboard";
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", role: "alert" }, notice || "");
  const form = h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        const result = await post("/auth/login", { email: email.value.trim(), password: password.value });
        session.token = result.token;
        directory.me = result.agent;
        await startWorkspace();
      } catch (failure) {
        error.textContent = failure.status === 401 ? "Wrong email or password." : failure.message;
      }
    },
  }, field("Email", email), field("Password", password), error, h("button", { type: "submit", class: "primary" }, "Sign in"));
  mount(root, authCard("Sign in", null, form));
  email.focus();
}

function showSetup() {
  document.title = "Set up · Switchboard";
  const name = h("input", { name: "name", required: true, autocomplete: "name" });
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "username" });
  const password = h("input", { type: "password", name: "password", required: true, minlength: 8, autocomplete: "new-password" });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        const result = await post("/setup", { name: name.value.trim(), email: email.value.trim(), password: password.value });
        session.token = result.token;
        directory.me = result.agent;
        await startWorkspace();
      } catch (failure) {
        if (failure.status === 409) return showSignIn("An administrator already exists. Sign in.");
        error.textContent = failure.message;
      }
    },
  }, field("Your name", name), field("Email", email), field("Password (8 characters or more)", password), error,
  h("button", { type: "submit", class: "primary" }, "Create administrator"));
  mount(root, authCard("Welcome", "Create the first administrator of this Switchboard.", form));
  name.focus();
}

async function signOut() {
  try { await post("/auth/logout"); } catch { /* the token is dropped either way */ }
  session.token = null;
  if (realtime) realtime.stop();
  realtime = null;
  location.hash = "";
  showSignIn("Signed out.");
}

async function startWorkspace() {
  await directory.load();
  if (realtime) realtime.stop();
  realtime = new Realtime(() => session.token);
  const status = h("span", { class: "live-state", "data-state": "connecting", title: "Realtime connection" }, "connecting");
  realtime.on("state", (state) => {
    status.dataset.state = state;
    status.textContent = state;
  });
  realtime.start();

  const isAdmin = directory.me.role === "admin";
  const content = h("div", { class: "content" });
  const nav = h("nav", { class: "rail", "aria-label": "Main" },
    h("a", { href: "#/inbox", class: "brand", title: "Switchboard" }, "☎"),
    h("a", { href: "#/inbox", "data-nav": "inbox" }, "Inbox"),
    isAdmin ? h("a", { href: "#/settings", "data-nav": "settings" }, "Settings") : null,
    h("div", { class: "spacer" }),
    status,
    h("span", { class: "me", title: directory.me.email }, directory.me.name),
    h("button", { class: "link", onclick: signOut, "data-testid": "sign-out" }, "Sign out"));
  mount(root, h("div", { class: "shell" }, nav, content));

  const route = () => {
    const [section, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
    for (const link of nav.querySelectorAll("[data-nav]")) {
      link.classList.toggle("active", link.dataset.nav === (section || "inbox"));
    }
    if (section === "settings" && isAdmin) {
      if (!(current instanceof SettingsView)) {
        current?.destroy?.();
        current = new SettingsView(content, { realtime });
      }
      current.show(rest[0] || "agents");
      document.title = "Settings · Switchboard";
      return;
    }
    if (!(current instanceof InboxView)) {
      current?.destroy?.();
      current = new InboxView(content, { realtime });
    }
    current.show(section === "conversations" ? rest[0] : null);
  };
  window.onhashchange = route;
  route();
}

window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof ApiError) {
    toast(event.reason.message, "error");
    event.preventDefault();
  }
});

boot();
