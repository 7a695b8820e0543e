// Small behaviours of every page; no inline scripts (Content-Security-Policy).
// A table wider than the screen scrolls inside its own box (site.css); such a box must be
// reachable by keyboard to be scrolled, so it takes a tab stop only while it scrolls.
(function () {
  const mark = () => {
    document.querySelectorAll("main table").forEach((t) => {
      if (t.scrollWidth > t.clientWidth + 1) t.setAttribute("tabindex", "0");
      else t.removeAttribute("tabindex");
    });
  };
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  window.addEventListener("aimak:updated", mark);
}());
