// Turns a waiting join link into a working one when its room opens, without
// a reload. The server decides (the room link refuses a join outside the
// window); this only saves a refresh.
function arm(link) {
  const opensAt = Date.parse(link.dataset.opensAt);
  if (Number.isNaN(opensAt) || link.getAttribute("aria-disabled") !== "true") return;
  const open = () => {
    const note = document.getElementById(link.getAttribute("aria-describedby") || "");
    link.href = link.dataset.href;
    link.removeAttribute("aria-disabled");
    link.removeAttribute("role");
    link.removeAttribute("aria-describedby");
    if (note && note.hasAttribute("data-opens-note")) note.hidden = true;
  };
  // Timers longer than ~24.8 days overflow; nobody keeps a page open that long.
  const wait = opensAt - Date.now();
  if (wait <= 0) open();
  else if (wait < 2 ** 31 - 1) setTimeout(open, wait);
}

document.querySelectorAll("a[data-opens-at]").forEach(arm);
