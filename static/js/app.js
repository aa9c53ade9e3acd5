/* Safeguards: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
