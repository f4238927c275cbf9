// The page's one websocket to /ws/, shared by every module that imports this
// file (an ES module is loaded once per page). It reconnects with backoff and
// re-sends each stream subscription with the position its owner has reached,
// so the server sends what was missed from its event log. A position the
// server cannot honour (too old, past the head, too far behind) is answered
// with "resync": the stream's owner reloads what it shows and follows again
// from the position the server names (by default the page reloads).

const messageListeners = new Set();
const statusListeners = new Set();
const streams = new Map(); // stream key -> function returning the last position seen
const resyncs = new Map(); // stream key -> function(position) reloading its state
let socket = null;
let started = false;

export function onMessage(listener) {
  messageListeners.add(listener);
}

// listener(open: boolean) on every open and close of the socket.
export function onStatus(listener) {
  statusListeners.add(listener);
}

export function isOpen() {
  return socket !== null && socket.readyState === WebSocket.OPEN;
}

function send(data) {
  if (isOpen()) socket.send(JSON.stringify(data));
}

function sendSubscriptions() {
  if (!streams.size) return;
  const wanted = {};
  for (const [key, position] of streams) wanted[key] = position();
  send({ type: "subscribe", streams: wanted });
}

// Follow a stream from the position getPosition() returns (asked again on
// every reconnect). resync(position) reloads the stream's state and follows
// it again from that position.
export function follow(key, getPosition, resync = () => location.reload()) {
  streams.set(key, getPosition);
  resyncs.set(key, resync);
  if (isOpen()) send({ type: "subscribe", streams: { [key]: getPosition() } });
}

function connect(attempt) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  try {
    socket = new WebSocket(`${scheme}://${location.host}/ws/`);
  } catch {
    statusListeners.forEach((listener) => listener(false));
    return;
  }
  socket.addEventListener("open", () => {
    attempt = 0;
    statusListeners.forEach((listener) => listener(true));
    sendSubscriptions();
  });
  socket.addEventListener("message", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data && data.type === "resync" && resyncs.has(data.stream)) {
      resyncs.get(data.stream)(data.position);
      return;
    }
    messageListeners.forEach((listener) => listener(data));
  });
  socket.addEventListener("close", (event) => {
    statusListeners.forEach((listener) => listener(false));
    // 4401/4403: signed out or refused; the next page load decides.
    if (event.code === 4401 || event.code === 4403) return;
    const delay = Math.min(30000, 1000 * 2 ** attempt);
    setTimeout(() => connect(attempt + 1), delay);
  });
}

// Opens the socket once, for signed-in pages (body data-live="1").
export function start() {
  if (started) return;
  started = true;
  if (document.body.dataset.live === "1" && "WebSocket" in window) connect(0);
  else statusListeners.forEach((listener) => listener(false));
}
