// Leave the address that carried the trainer key without keeping it in the history.
const link = document.getElementById("continue");
if (link) window.location.replace(link.getAttribute("href"));
