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
