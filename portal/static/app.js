// Reload the live preview after the draft was saved (the server sends HX-Trigger: draft-saved).
document.addEventListener("draft-saved", function () {
  var frame = document.getElementById("preview-frame");
  if (frame) { frame.src = frame.src.split("#")[0]; }
});
