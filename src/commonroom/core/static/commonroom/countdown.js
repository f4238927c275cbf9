// Countdowns for breakout rooms. The end time comes from the server; the page
// re-renders it when the facilitator extends, so this only ticks.
function render(element) {
  const end = Date.parse(element.dataset.countdown);
  if (Number.isNaN(end)) return;
  const left = Math.max(0, Math.round((end - Date.now()) / 1000));
  if (left === 0) {
    element.textContent = element.dataset.endedText || "";
    return;
  }
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, "0");
  element.textContent = `${minutes}:${seconds}`;
}

function tick() {
  document.querySelectorAll("[data-countdown]").forEach(render);
}

tick();
setInterval(tick, 1000);
