// Small progressive enhancements. Every page works without this file.

// Move focus to the main region after an in-page skip so screen readers land there.
const skip = document.querySelector(".skip-link");
if (skip) {
  skip.addEventListener("click", () => {
    const main = document.getElementById("main");
    if (main) main.focus();
  });
}

// The language menu changes as soon as a language is picked; the button stays
// for keyboard and no-script users.
const languageSelect = document.getElementById("language-select");
if (languageSelect && languageSelect.form) {
  languageSelect.addEventListener("change", () => languageSelect.form.requestSubmit());
}

// Live hints over the websocket. They only tell a page to refresh a part it
// already polls, so a closed socket costs a few seconds, never a message.
const HINTS = {
  "console.changed": "commonroom:console",
  "tech.help": "commonroom:console",
  "breakouts.ask": "commonroom:console",
  "breakouts.changed": "commonroom:breakouts",
};

function connect(attempt) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/`);
  socket.addEventListener("open", () => {
    attempt = 0;
  });
  socket.addEventListener("message", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const name = HINTS[data.type];
    if (name) document.body.dispatchEvent(new CustomEvent(name, { detail: data.payload }));
  });
  socket.addEventListener("close", (event) => {
    // 4401/4403: signed out or refused; the next page load decides.
    if (event.code === 4401 || event.code === 4403) return;
    const delay = Math.min(30000, 1000 * 2 ** attempt);
    setTimeout(() => connect(attempt + 1), delay);
  });
}

if (document.body.dataset.live === "1" && "WebSocket" in window) connect(0);
