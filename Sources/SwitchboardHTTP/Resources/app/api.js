// The public API, as the workspace uses it. The token lives in localStorage and
// goes out only as an Authorization header (never a cookie), so no other site can make the browser
// call the API on the agent's behalf: there is nothing ambient to forge (no CSRF).

const TOKEN_KEY = "switchboard.agent_token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
  agent: null,
  /** Called when the server says the token is no longer valid. */
  onSignedOut: () => {},
};

export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined && !raw) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  } else if (raw) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: "http_" + response.status, message: text || response.statusText };
    if (response.status === 401 && session.token && !path.startsWith("/auth/")) {
      session.token = null;
      session.onSignedOut();
    }
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

/** Query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** An attachment as an object URL: downloads need the Authorization header, which <img src> cannot send. */
const blobs = new Map();
export async function attachmentURL(id) {
  if (blobs.has(id)) return blobs.get(id);
  const response = await fetch(`/api/v1/attachments/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${session.token}` },
  });
  if (!response.ok) throw new ApiError(response.status, "download_failed", "The attachment could not be loaded.");
  const url = URL.createObjectURL(await response.blob());
  blobs.set(id, url);
  return url;
}

export async function upload(file) {
  return api("POST", `/attachments${query({ filename: file.name })}`, file, {
    raw: true, headers: { "Content-Type": file.type || "application/octet-stream" },
  });
}
