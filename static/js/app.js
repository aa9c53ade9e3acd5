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

  /* Character counters for every field with a limit (data-maxlength; the server refuses a
     longer text by the field, and nothing is cut). */
  function counter(field) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!limit || field.dataset.counted) {
      return;
    }
    field.dataset.counted = "1";
    var note = document.createElement("div");
    note.className = "form-text char-count";
    note.id = (field.id || field.name) + "-count";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    function update() {
      var length = field.value.length;
      var over = length - limit;
      note.textContent = over > 0
        ? length.toLocaleString() + " characters: " + over.toLocaleString() +
          " over the limit of " + limit.toLocaleString() + ". Shorten it before saving."
        : length.toLocaleString() + " of " + limit.toLocaleString() + " characters";
      note.classList.toggle("text-danger", over > 0);
      note.classList.toggle("fw-semibold", over > 0);
      /* Quiet until it matters: announce only near or past the limit. */
      note.setAttribute("aria-live", length > limit * 0.9 ? "polite" : "off");
    }
    field.addEventListener("input", update);
    update();
  }

  /* Create forms (data-once) are sent once: the button is disabled after the first click
     (the server also refuses a second post of the same one-time token). */
  function sendOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
      }, 0);
    });
  }

  /* A page of answers warns before it is left with changes not saved (any link, the back
     button, closing the tab); sending the form itself is not leaving it. */
  function warnUnsaved(form) {
    var changed = false;
    function mark() {
      changed = true;
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      changed = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function ready() {
    document.querySelectorAll("form[data-unsaved-warning]").forEach(warnUnsaved);
    focusFirstError();
    markScrollingTables();
    document.querySelectorAll("[data-maxlength]").forEach(counter);
    document.querySelectorAll("form[data-once]").forEach(sendOnce);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
