// Drag people between draft breakout rooms. Each person also has a plain
// "move to room" form, which is what this submits: without script, or with a
// keyboard, the form alone does the job.
const rooms = document.querySelector(".rooms[data-move-url]");
if (rooms) {
  let dragged = null;
  rooms.addEventListener("dragstart", (event) => {
    const item = event.target.closest("li[data-user]");
    if (!item) return;
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
  });
  rooms.addEventListener("dragover", (event) => {
    if (dragged && event.target.closest(".room")) event.preventDefault();
  });
  rooms.addEventListener("drop", (event) => {
    const room = event.target.closest(".room");
    if (!dragged || !room) return;
    event.preventDefault();
    const form = dragged.querySelector("form.move-form");
    if (form) {
      form.querySelector("select[name=room]").value = room.dataset.room;
      form.requestSubmit();
    }
    dragged = null;
  });
}
