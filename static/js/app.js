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
      note.toggleAttribute("data-empty", length === 0);
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

  /* The evidence picker of a category page: "Link evidence" under a criterion opens the
     page's one <dialog> (instead of saving the page and going to the picker page, as it does
     without this file), with a filter over the deployment's evidence. The items ticked there
     join the criterion's linked evidence as ticked boxes of the form, kept by its Save; the
     page counts as changed, so leaving it still warns. Escape or Cancel closes it; focus
     returns to the button. */
  function evidencePicker(dialog) {
    var filter = dialog.querySelector("#evidence-picker-filter");
    var count = dialog.querySelector("#evidence-picker-count");
    var items = Array.prototype.slice.call(dialog.querySelectorAll("[data-pick]"));
    var apply = dialog.querySelector("[data-picker-apply]");
    var current = null;

    function boxOf(item) {
      return item.querySelector("input[type=checkbox]");
    }
    function linkedIn(field, prefix) {
      var linked = {};
      field.querySelectorAll("input[name='" + prefix + "-evidence']").forEach(function (box) {
        if (box.checked) {
          linked[box.value] = true;
        }
      });
      return linked;
    }
    function applyFilter() {
      var words = (filter ? filter.value : "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase();
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      if (count) {
        count.textContent = shown + " of " + items.length + " item" +
          (items.length === 1 ? "" : "s") + " shown";
      }
    }
    function open(button) {
      current = button;
      var prefix = button.getAttribute("data-evidence-picker");
      var linked = linkedIn(document.getElementById(prefix + "-evidence-field"), prefix);
      items.forEach(function (item) {
        var box = boxOf(item);
        box.checked = false;
        box.disabled = !!linked[box.value];
        item.querySelector("[data-already]").hidden = !linked[box.value];
      });
      dialog.querySelector("[data-picker-criterion]").textContent =
        button.getAttribute("data-criterion");
      if (filter) {
        filter.value = "";
      }
      applyFilter();
      dialog.showModal();
      (filter || dialog.querySelector("[data-picker-close]")).focus();
    }
    function linkRow(prefix, box) {
      var id = "id_" + prefix + "-evidence_new" + box.value;
      var row = document.createElement("div");
      row.className = "form-check";
      var input = document.createElement("input");
      input.type = "checkbox";
      input.className = "form-check-input";
      input.name = prefix + "-evidence";
      input.value = box.value;
      input.id = id;
      input.checked = true;
      var label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = id;
      label.textContent = box.getAttribute("data-title");
      var kind = document.createElement("span");
      kind.className = "badge evidence-kind";
      kind.textContent = box.getAttribute("data-kind");
      var unsaved = document.createElement("span");
      unsaved.className = "small fst-italic";
      unsaved.textContent = "new, not saved yet";
      row.append(input, label, " ", kind, " ", unsaved);
      return row;
    }
    function link() {
      var prefix = current.getAttribute("data-evidence-picker");
      var field = document.getElementById(prefix + "-evidence-field");
      var list = field.querySelector("[data-linked]");
      var added = [];
      items.forEach(function (item) {
        var box = boxOf(item);
        if (!box.checked || box.disabled) {
          return;
        }
        // Unticked on the page earlier: tick it again rather than list it twice.
        var existing = list.querySelector("input[name='" + prefix + "-evidence'][value='" +
          box.value + "']");
        var input = existing;
        if (existing) {
          existing.checked = true;
        } else {
          var row = linkRow(prefix, box);
          list.appendChild(row);
          input = row.querySelector("input");
        }
        input.dispatchEvent(new Event("change", { bubbles: true }));
        added.push(box.getAttribute("data-title"));
      });
      var none = list.querySelector("[data-none-linked]");
      if (none && added.length) {
        none.hidden = true;
      }
      var status = field.querySelector("[data-link-status]");
      if (status) {
        status.classList.toggle("visually-hidden", !added.length);
        status.textContent = added.length
          ? added.length + " item" + (added.length === 1 ? "" : "s") + " linked to " +
            current.getAttribute("data-criterion") + ": save the page to keep " +
            (added.length === 1 ? "it" : "them") + "."
          : "";
      }
      dialog.close();
    }

    document.querySelectorAll("[data-evidence-picker]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        open(button);
      });
    });
    if (filter) {
      filter.addEventListener("input", applyFilter);
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
    }
    if (apply) {
      apply.addEventListener("click", link);
    }
    dialog.querySelector("[data-picker-close]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (current) {
        current.focus();
      }
    });
  }

  /* Each criterion's guidance on a category page is a <details>, open in the HTML: beside
     the answer on wide screens it stays open; on narrower ones, where it would stack under
     every answer, it starts closed, one click away. Printing opens them all (app.css does
     too) and closes again the ones that were closed. */
  function fitGuides(guides) {
    var wide = window.matchMedia("(min-width: 1200px)");
    var closed = [];
    function fit() {
      guides.forEach(function (guide) {
        guide.open = wide.matches;
      });
    }
    fit();
    wide.addEventListener("change", fit);
    window.addEventListener("beforeprint", function () {
      closed = guides.filter(function (guide) {
        return !guide.open;
      });
      closed.forEach(function (guide) {
        guide.open = true;
      });
    });
    window.addEventListener("afterprint", function () {
      closed.forEach(function (guide) {
        guide.open = false;
      });
      closed = [];
    });
  }

  function ready() {
    document.querySelectorAll("form[data-unsaved-warning]").forEach(warnUnsaved);
    var guides = Array.prototype.slice.call(document.querySelectorAll("details[data-guide]"));
    if (guides.length) {
      fitGuides(guides);
    }
    focusFirstError();
    markScrollingTables();
    document.querySelectorAll("[data-maxlength]").forEach(counter);
    document.querySelectorAll("form[data-once]").forEach(sendOnce);
    var picker = document.querySelector("dialog[data-evidence-dialog]");
    if (picker && typeof picker.showModal === "function") {
      evidencePicker(picker);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
