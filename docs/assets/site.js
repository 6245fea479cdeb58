/* A table wider than the screen scrolls sideways: make its scroll box reachable and named for
   keyboard and screen-reader users (WCAG 2.1.1), and show a cue that there is more to the right.
   Runs on every page, including after Material's instant navigation. */
(function () {
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", wide);
      if (wide) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  if (window.document$) { window.document$.subscribe(mark); } else { document.addEventListener("DOMContentLoaded", mark); }
  window.addEventListener("resize", mark);
})();
