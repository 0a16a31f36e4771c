// The agent realtime socket: every event the agent may see, in order, with replay after a
// reconnect (`?after=` the last id seen), so a dropped connection loses nothing.

export class Realtime {
  constructor(tokenProvider) {
    this.tokenProvider = tokenProvider;
    this.listeners = new Map();
    this.lastID = null;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.state = "connecting";
  }

  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  emit(type, data, frame) {
    for (const listener of this.listeners.get(type) || []) {
      try { listener(data, frame); } catch (error) { console.error(error); }
    }
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close(1000);
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  connect() {
    const token = this.tokenProvider();
    if (!token || this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const after = this.lastID ? `&after=${encodeURIComponent(this.lastID)}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/realtime?token=${encodeURIComponent(token)}${after}`);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState("live");
    };
    socket.onmessage = (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.type === "error") return;
      // Typing and presence carry the id of the last logged event; only logged events move the cursor.
      if (frame.id && frame.type !== "typing" && frame.type !== "presence") this.lastID = frame.id;
      this.emit(frame.type, frame.data, frame);
      this.emit("*", frame.data, frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.setState("reconnecting");
      // Backoff with jitter: 0.5 s, 1 s, 2 s … up to 15 s.
      const delay = Math.min(15000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  setState(state) {
    this.state = state;
    this.emit("state", state);
  }
}
