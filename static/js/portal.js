// Small progressive enhancements; pages work without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function message(key) {
    var template = document.getElementById("toast-messages");
    var node = template && template.content.querySelector('[data-key="' + key + '"]');
    return node ? node.textContent : key;
  }

  function toast(text) {
    var region = document.getElementById("toasts");
    if (!region) return;
    var item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "alert");
    item.textContent = text;
    region.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog) { event.preventDefault(); dialog.showModal(); }
    }
    var closer = event.target.closest && event.target.closest("[data-dialog-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) { event.preventDefault(); open.close(); }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      toast(message("forbidden"));
      setTimeout(function () { window.location.reload(); }, 1500);
    } else {
      toast(message("server"));
    }
  });

  document.addEventListener("htmx:sendError", function () { toast(message("network")); });

  document.addEventListener("closeModal", function () {
    document.querySelectorAll("dialog[open]").forEach(function (dialog) { dialog.close(); });
  });
})();
