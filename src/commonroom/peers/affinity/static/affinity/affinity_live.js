// Affinity pages follow the person's own stream (user.<id>) and refresh
// their live region when a request or a decision concerning them arrives.
// The events carry only ids and a status; the page asks the server for the
// rest. Someone typing in the region is never interrupted: they see a
// notice and reload when ready, so nothing they wrote is lost.
import { follow, onMessage, start } from "../commonroom/live.js";

const KINDS = new Set(["affinity.request", "affinity.decision"]);
const first = document.getElementById("affinity-live");

function busy(region) {
  const active = document.activeElement;
  if (active && region.contains(active) && active.closest("form")) return true;
  return [...region.querySelectorAll("textarea, input[type=text]")].some(
    (field) => field.value.trim() !== "",
  );
}

if (first) {
  const key = first.dataset.stream;
  let position = Number(first.dataset.position || "0");
  onMessage((data) => {
    if (data.type !== "event" || data.stream !== key) return;
    position = Math.max(position, data.position);
    if (!KINDS.has(data.kind)) return;
    // The region is replaced on every refresh: look it up each time.
    const region = document.getElementById("affinity-live");
    if (!region) return;
    if (busy(region)) {
      const notice = document.getElementById("affinity-update");
      if (notice) notice.hidden = false;
    } else {
      document.body.dispatchEvent(new CustomEvent("commonroom:affinity"));
    }
  });
  const resync = (head) => {
    position = head;
    document.body.dispatchEvent(new CustomEvent("commonroom:affinity"));
    follow(key, () => position, resync);
  };
  follow(key, () => position, resync);
  start();
}
