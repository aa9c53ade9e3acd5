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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
