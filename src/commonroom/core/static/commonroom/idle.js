// Warns a little before the idle sign-out (accounts/middleware.py) and offers
// to stay signed in. The server is the truth: before warning, the page asks
// it how long is left (passively, so asking is not activity), because another
// tab, or a facilitator's console during a live session, may have kept the
// person signed in meanwhile.

const body = document.body;
const box = document.getElementById("idle-warning");
const limit = Number(body.dataset.idleSeconds || 0);

function csrfToken() {
  try {
    return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

if (box && limit > 0 && body.dataset.idleUrl) {
  // Two minutes' notice, or a quarter of a very short limit.
  const lead = Math.min(120, Math.floor(limit / 4));
  const countdown = box.querySelector("[data-idle-countdown]");
  const stay = box.querySelector("[data-idle-stay]");
  let timer = null;
  let ticking = null;
  let deadline = 0;
  let returnFocus = null;

  const schedule = (seconds) => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(1, seconds) * 1000);
  };

  // Seconds left, or null when the person is signed out already.
  const ask = async (method) => {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    if (method === "GET") headers["X-Commonroom-Passive"] = "1";
    const response = await fetch(body.dataset.idleUrl, {
      method,
      headers,
      credentials: "same-origin",
      redirect: "manual",
    });
    if (response.type === "opaqueredirect" || !response.ok) return null;
    return (await response.json()).remaining;
  };

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  };

  const show = (remaining) => {
    deadline = Date.now() + remaining * 1000;
    tick();
    clearInterval(ticking);
    ticking = setInterval(tick, 1000);
    if (box.hidden) {
      returnFocus = document.activeElement;
      box.hidden = false;
      stay.focus();
    }
    // When time is up the server signs out on the next request; the reload
    // then shows the sign-in page and says why.
    schedule(remaining + 1);
  };

  const hide = () => {
    clearInterval(ticking);
    if (box.hidden) return;
    box.hidden = true;
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  };

  async function check() {
    let remaining;
    try {
      remaining = await ask("GET");
    } catch {
      schedule(30); // offline for now: ask again soon
      return;
    }
    if (remaining === null) {
      location.reload();
    } else if (remaining > lead) {
      hide();
      schedule(remaining - lead);
    } else {
      show(remaining);
    }
  }

  stay.addEventListener("click", async () => {
    let remaining;
    try {
      remaining = await ask("POST");
    } catch {
      return; // the warning stays up; the person can try again
    }
    if (remaining === null) {
      location.reload();
      return;
    }
    hide();
    schedule(remaining - lead);
  });

  schedule(limit - lead);
}
