// The spaces list follows each of its spaces' streams (and the person's own,
// for mentions) and refreshes its counts when anything happens there. The
// counts come from the server; the page polls too, so a closed socket only
// makes them a little later.
import { follow, onMessage, start } from "./live.js";

const list = document.getElementById("space-list");
if (list) {
  const positions = new Map(Object.entries(JSON.parse(list.dataset.streams || "{}")));
  let pending = null;
  onMessage((data) => {
    if (data.type !== "event" || !positions.has(data.stream)) return;
    positions.set(data.stream, Math.max(positions.get(data.stream), data.position));
    // Several events in a burst cause one refresh.
    if (pending === null) {
      pending = setTimeout(() => {
        pending = null;
        document.body.dispatchEvent(new CustomEvent("commonroom:spaces"));
      }, 300);
    }
  });
  // Counts come from the server, so a resync is one refresh and a fresh follow.
  const resync = (key) => (head) => {
    positions.set(key, head);
    document.body.dispatchEvent(new CustomEvent("commonroom:spaces"));
    follow(key, () => positions.get(key), resync(key));
  };
  for (const key of positions.keys()) follow(key, () => positions.get(key), resync(key));
  start();
}
