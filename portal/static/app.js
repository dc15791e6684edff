// Pages style what only works with JavaScript under html.js.
document.documentElement.classList.add("js");

// 公告栏 on a phone: 筛选 opens and closes the filters folded behind it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".board-filter-toggle").forEach(function (button) {
    var more = document.getElementById(button.getAttribute("aria-controls"));
    if (!more) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = more.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
});

// Reload the live preview after the draft was saved (the server sends HX-Trigger: draft-saved).
document.addEventListener("draft-saved", function () {
  var frame = document.getElementById("preview-frame");
  if (frame) { frame.src = frame.src.split("#")[0]; }
});

// Stamping wizard: a click on a page image chooses where the seal's centre goes.
document.addEventListener("click", function (event) {
  var img = event.target.closest ? event.target.closest(".seal-page img") : null;
  if (!img) { return; }
  var stack = img.closest(".page-stack");
  if (!stack || stack.dataset.clickable !== "true") { return; }
  var figure = img.closest(".seal-page");
  var box = img.getBoundingClientRect();
  var fx = (event.clientX - box.left) / box.width;
  var fy = (event.clientY - box.top) / box.height;
  document.getElementById("seal-page").value = figure.dataset.page;
  document.getElementById("seal-fx").value = fx.toFixed(4);
  document.getElementById("seal-fy").value = fy.toFixed(4);
  document.querySelectorAll(".seal-marker").forEach(function (m) { m.hidden = true; });
  var marker = figure.querySelector(".seal-marker");
  // The seal's diameter in points, scaled like the page image (1 image pixel = 1 point).
  var size = parseFloat(stack.dataset.sealWidth) / parseFloat(img.getAttribute("width")) * box.width;
  marker.style.width = size + "px";
  marker.style.height = size + "px";
  marker.style.left = (fx * box.width - size / 2) + "px";
  marker.style.top = (fy * box.height - size / 2) + "px";
  marker.hidden = false;
  var state = document.getElementById("placement-state");
  if (state) { state.textContent = "已选择：第 " + (parseInt(figure.dataset.page, 10) + 1) + " 页"; }
});

// Stamping wizard, later signer: a red ring where the first seal reserved this party's place.
function showReservedPlace() {
  document.querySelectorAll(".seal-page[data-reserved-fx]").forEach(function (figure) {
    var img = figure.querySelector("img");
    var marker = figure.querySelector(".seal-marker");
    var stack = figure.closest(".page-stack");
    if (!img || !marker || !stack) { return; }
    var place = function () {
      var box = img.getBoundingClientRect();
      var size = parseFloat(stack.dataset.sealWidth) / parseFloat(img.getAttribute("width")) * box.width;
      marker.style.width = size + "px";
      marker.style.height = size + "px";
      marker.style.left = (parseFloat(figure.dataset.reservedFx) * box.width - size / 2) + "px";
      marker.style.top = (parseFloat(figure.dataset.reservedFy) * box.height - size / 2) + "px";
      marker.hidden = false;
    };
    if (img.complete && img.naturalWidth) { place(); } else { img.addEventListener("load", place); }
    window.addEventListener("resize", place);
  });
}
document.addEventListener("DOMContentLoaded", showReservedPlace);
