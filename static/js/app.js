/* Safeguards: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  var FOCUSABLE = /^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/;

  /* After a refused form, move focus to the error summary, or else to the first field
     marked invalid, or else to the alert that says what went wrong, so screen-reader and
     keyboard users land on what needs fixing. */
  function focusFirstError() {
    var target =
      document.querySelector("main .error-summary") ||
      document.querySelector("main [aria-invalid='true']") ||
      document.querySelector("main [role='alert']");
    if (!target) {
      return;
    }
    if (!FOCUSABLE.test(target.tagName) && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  /* The account menu is a <details> disclosure (works without JS); close it on Escape or a
     click elsewhere, as a menu would. */
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  /* A table wider than its box scrolls inside it (.table-responsive). While it does, make the
     box a focusable region named by the table's caption, so keyboard users can scroll it. */
  function markScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      var marked = box.hasAttribute("data-scroll-region");
      if (scrolls && !marked && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute(
          "aria-label",
          (caption ? caption.textContent.trim() : "Table") + " (scrolls sideways)"
        );
        box.setAttribute("data-scroll-region", "");
      } else if (!scrolls && marked) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }
  // Again once fonts and images have settled the widths.
  window.addEventListener("load", markScrollingTables);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollingTables, 150);
  });

  function ready() {
    focusFirstError();
    markScrollingTables();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
