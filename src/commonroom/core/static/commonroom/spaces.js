// A thread page, live. The server renders the messages with the stream
// (data-stream="space.N") and the event position they include
// (data-position). Over the websocket the page follows the stream from that
// position and applies each event once, in order; without a socket it asks
// HTMX to poll the messages partial. A post written while offline waits in
// localStorage with its client id and is sent when the connection returns;
// the server stores a post once per client id, so a retry never duplicates.

import { follow, onMessage, onStatus, start } from "./live.js";

const page = document.getElementById("thread-page");
const OUTBOX = "commonroom.outbox";
const POLL_MS = 4000;

function messages() {
  return document.getElementById("thread-messages");
}

function position() {
  const list = messages();
  return list ? Number(list.dataset.position) || 0 : 0;
}

function setPosition(value) {
  const list = messages();
  if (!list || value <= position()) return;
  list.dataset.position = String(value);
  const after = document.getElementById("thread-after");
  if (after) after.value = String(value);
}

function say(text) {
  const status = document.getElementById("live-status");
  if (status) status.textContent = text;
}

// A version 4 UUID, also where crypto.randomUUID is missing (plain http).
function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function freshClientId(form) {
  const field = form && form.querySelector("input[name=client_id]");
  if (field) field.value = newClientId();
}

// --- applying events -------------------------------------------------------

function messageItem(id) {
  return document.getElementById(`message-${id}`);
}

function appendMessage(payload) {
  if (messageItem(payload.message_id)) return; // already rendered by the server
  const template = document.getElementById("message-template");
  const list = messages() && messages().querySelector(".messages-list");
  if (!template || !list) return;
  const item = template.content.firstElementChild.cloneNode(true);
  const id = String(payload.message_id);
  item.id = `message-${id}`;
  item.dataset.message = id;
  item.classList.add("arrived");
  item.querySelector(".message-author").textContent = payload.author ? payload.author.name : "";
  const badge = item.querySelector(".mentor-badge-slot");
  if (badge) badge.hidden = !(payload.author && payload.author.peer_mentor);
  const time = item.querySelector("time");
  time.dateTime = payload.created_at;
  time.textContent = new Date(payload.created_at).toLocaleString([], {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  if (payload.parent_id) {
    const reply = item.querySelector(".reply-to");
    reply.hidden = false;
    reply.querySelector("a").href = `#message-${payload.parent_id}`;
  }
  // Sanitised on the server (markdown-it, then nh3), never evaluated here.
  // A withdrawn payload has no text: a later event (edited, removed) in the
  // same replay says what the message is now.
  item.querySelector(".message-body").innerHTML = payload.html || "";
  const reactions = item.querySelector("form.reactions");
  if (reactions) {
    reactions.id = `reactions-${id}`;
    for (const name of ["action", "hx-post"]) {
      reactions.setAttribute(name, reactions.getAttribute(name).replace("/0/", `/${id}/`));
    }
  }
  list.append(item);
  const empty = messages().querySelector(".empty-thread");
  if (empty) empty.remove();
  if (window.htmx) window.htmx.process(item);
}

function updateReactions(payload) {
  const form = document.getElementById(`reactions-${payload.message_id}`);
  if (!form) return;
  for (const button of form.querySelectorAll("button[data-kind]")) {
    const count = payload.counts[button.dataset.kind] || 0;
    button.querySelector(".count").textContent = count ? String(count) : "";
  }
}

function editMessage(payload) {
  const item = messageItem(payload.message_id);
  if (!item || payload.withdrawn) return; // edited again later: that event has the text
  item.querySelector(".message-body").innerHTML = payload.html;
  const mark = item.querySelector(".edited-mark");
  if (mark) mark.hidden = false;
}

function removeMessage(payload) {
  const item = messageItem(payload.message_id);
  if (!item) return;
  const body = item.querySelector(".message-body");
  const note = document.createElement("p");
  note.className = "muted";
  note.textContent = page.dataset.deletedText;
  body.replaceChildren(note);
  for (const part of item.querySelectorAll("form.reactions, .message-actions")) part.remove();
}

const APPLY = {
  "message.new": appendMessage,
  "reaction.changed": updateReactions,
  "message.edited": editMessage,
  "message.removed": removeMessage,
};

function applyEvent(event) {
  if (event.position <= position()) return; // sent twice (backlog and live): once is enough
  const ours = event.payload.thread_id === undefined || event.payload.thread_id === threadId;
  const apply = APPLY[event.kind];
  if (ours && apply) apply(event.payload);
  setPosition(event.position);
}

// --- live, or polling ------------------------------------------------------

let live = false;
let threadId = 0;
let stream = "";

function poll() {
  if (!live && navigator.onLine && document.visibilityState === "visible") {
    document.body.dispatchEvent(new CustomEvent("commonroom:thread-poll"));
  }
}

// The server cannot replay from this page's position: the messages are
// fetched afresh (with their position), then the stream is followed from there.
let resyncing = false;

function resync() {
  live = false;
  resyncing = true;
  document.body.dispatchEvent(new CustomEvent("commonroom:thread-poll"));
}

document.body.addEventListener("htmx:afterSettle", () => {
  if (resyncing && messages()) {
    resyncing = false;
    follow(stream, position, resync);
  }
});

function setUp() {
  const list = messages();
  if (!page || !list) return;
  stream = list.dataset.stream;
  threadId = Number(list.dataset.thread);
  onMessage((data) => {
    if (data.type === "event" && data.stream === stream) applyEvent(data);
    else if (data.type === "subscribed" && data.stream === stream) live = true;
    else if ((data.type === "error" || data.type === "unsubscribed") && data.stream === stream) {
      live = false;
    }
  });
  onStatus((open) => {
    if (!open) live = false;
  });
  follow(stream, position, resync);
  start();
  setInterval(poll, POLL_MS);
}

// --- posting, also offline -------------------------------------------------

function readOutbox() {
  try {
    return JSON.parse(localStorage.getItem(OUTBOX) || "[]");
  } catch {
    return [];
  }
}

function writeOutbox(items) {
  localStorage.setItem(OUTBOX, JSON.stringify(items));
}

function queue(form) {
  const fields = [];
  for (const [name, value] of new FormData(form)) {
    if (name !== "csrfmiddlewaretoken") fields.push([name, String(value)]);
  }
  const items = readOutbox();
  const clientId = form.querySelector("input[name=client_id]").value;
  if (!items.some((item) => item.clientId === clientId)) {
    items.push({ url: form.getAttribute("action"), clientId, fields });
    writeOutbox(items);
  }
  form.reset();
  freshClientId(form);
  say(page.dataset.queuedText);
}

let flushing = false;

async function flush() {
  if (flushing || !navigator.onLine) return;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!token) return;
  flushing = true;
  try {
    let items = readOutbox();
    while (items.length) {
      const item = items[0];
      const body = new FormData();
      for (const [name, value] of item.fields) body.append(name, value);
      body.append("csrfmiddlewaretoken", token.value);
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "HX-Request": "true" },
        });
      } catch {
        return; // still offline: keep it, and try again on the next 'online'
      }
      if (response.status >= 500) return;
      items = readOutbox().filter((other) => other.clientId !== item.clientId);
      writeOutbox(items);
      if (response.headers.get("X-Commonroom-Refused") === "1" || !response.ok) {
        const text = await response.text();
        const doc = new DOMParser().parseFromString(text, "text/html");
        const error = doc.querySelector(".error");
        say(`${page.dataset.failedText} ${error ? error.textContent : response.status}`);
        const textarea = document.getElementById("post-body");
        const saved = item.fields.find(([name]) => name === "body");
        if (textarea && saved && !textarea.value) textarea.value = saved[1];
      } else {
        say(page.dataset.sentText);
      }
    }
    document.body.dispatchEvent(new CustomEvent("commonroom:thread-poll"));
  } finally {
    flushing = false;
  }
}

function setUpPosting() {
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.id === "post-form" && !navigator.onLine) {
      event.preventDefault();
      queue(form);
    }
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    // The request may or may not have reached the server; the same client id
    // makes sending it again safe.
    const form = event.detail.elt;
    if (form && form.id === "post-form") queue(form);
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "post-form") {
      const form = document.getElementById("post-form");
      // A refused post keeps its client id so fixing it and sending again is one post.
      if (form && !form.querySelector(".error")) freshClientId(form);
    }
  });
  // Signed out meanwhile (idle log-off): go to the sign-in page rather than
  // swapping it into the thread.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname.startsWith("/accounts/login/")) {
      event.detail.shouldSwap = false;
      location.assign(xhr.responseURL);
    }
  });
  window.addEventListener("online", flush);
  flush();
}

if (page) {
  setUp();
  setUpPosting();
}
