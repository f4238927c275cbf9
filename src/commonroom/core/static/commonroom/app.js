// Small progressive enhancements. Every page works without this file.

import { onMessage, start } from "./live.js";
import "./idle.js";

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

// Live hints over the websocket (shared with other modules through live.js).
// They only tell a page to refresh a part it already polls, so a closed
// socket costs a few seconds, never a message.
const HINTS = {
  "console.changed": "commonroom:console",
  "tech.help": "commonroom:console",
  "breakouts.ask": "commonroom:console",
  "breakouts.changed": "commonroom:breakouts",
};

onMessage((data) => {
  const name = HINTS[data.type];
  if (name) document.body.dispatchEvent(new CustomEvent(name, { detail: data.payload }));
});
start();
