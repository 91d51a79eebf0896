// The video page's player: anything with data-seek="<seconds>" (a flag on the timeline, a transcript line's
// time or word) moves the original player there; a link ending in #t=<seconds> (search results) starts
// there; a button with data-time-into="<id>" writes where the player stands into that field as it is
// pressed (clips: "Make a clip from here"); the transcript line being spoken is highlighted.
// Plain JavaScript, no framework.
(function () {
  "use strict";
  var player = document.getElementById("original-player");
  if (!player) return;

  function seek(seconds) {
    var go = function () { player.currentTime = seconds; };
    if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, { once: true });
  }

  var start = parseFloat((window.location.hash.match(/^#t=([0-9.]+)$/) || [])[1]);
  if (!isNaN(start)) seek(start);

  // One listener for every seekable thing, present or added later; buttons answer Enter and Space themselves.
  document.addEventListener("click", function (event) {
    var into = event.target.closest("[data-time-into]");
    if (into) document.getElementById(into.getAttribute("data-time-into")).value = player.currentTime.toFixed(2);
    var target = event.target.closest("[data-seek]");
    if (!target) return;
    var seconds = parseFloat(target.getAttribute("data-seek"));
    if (isNaN(seconds)) return;
    seek(seconds);
    event.preventDefault();
  });

  var lines = Array.prototype.slice.call(document.querySelectorAll(".transcript li[data-start]"));
  if (!lines.length) return;
  player.addEventListener("timeupdate", function () {
    var now = player.currentTime;
    lines.forEach(function (line) {
      var on = now >= parseFloat(line.dataset.start) && now < parseFloat(line.dataset.end);
      line.classList.toggle("current", on);
    });
  });
})();
