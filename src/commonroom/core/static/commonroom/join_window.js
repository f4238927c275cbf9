// Enables a join button when its room opens, without a reload. The server
// decides (it refuses a join outside the window); this only saves a refresh.
function arm(button) {
  const opensAt = Date.parse(button.dataset.opensAt);
  if (Number.isNaN(opensAt) || !button.disabled) return;
  const open = () => {
    button.disabled = false;
    button.removeAttribute("aria-describedby");
    const note = button.form && button.form.nextElementSibling;
    if (note && note.hasAttribute("data-opens-note")) note.hidden = true;
  };
  // Timers longer than ~24.8 days overflow; nobody keeps a page open that long.
  const wait = opensAt - Date.now();
  if (wait <= 0) open();
  else if (wait < 2 ** 31 - 1) setTimeout(open, wait);
}

document.querySelectorAll("button[data-opens-at]").forEach(arm);
