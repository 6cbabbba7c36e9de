// Resource pages: period picker, row selection, line reordering and the totals preview.
// Everything here is an enhancement; the pages work as plain links and form posts without it.
(function () {
  "use strict";

  function periodPicker(root) {
    (root || document).querySelectorAll("[data-period-picker]").forEach(function (picker) {
      var select = picker.querySelector("select[name=period]");
      if (!select) return;
      picker.querySelectorAll("[data-period-part]").forEach(function (part) {
        var shown = part.getAttribute("data-period-part").split(" ").indexOf(select.value) >= 0;
        part.hidden = !shown;
        part.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
      });
    });
  }

  function number(input) {
    if (!input || !input.value) return null;
    var text = input.value.replace(/\s|€|%/g, "");
    if (text.indexOf(",") >= 0 && text.indexOf(".") >= 0) {
      text = text.lastIndexOf(",") > text.lastIndexOf(".") ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
    } else {
      text = text.replace(",", ".");
    }
    var value = parseFloat(text);
    return isNaN(value) ? null : value;
  }

  function formatMoney(value) {
    var language = document.documentElement.lang || "es";
    return new Intl.NumberFormat(language, { style: "currency", currency: "EUR" }).format(value);
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function recalculate(table) {
    var sum = 0;
    table.querySelectorAll("[data-item-row]").forEach(function (row) {
      var removed = field(row, "DELETE");
      row.classList.toggle("row-deleted", !!(removed && removed.checked));
      var price = number(field(row, "unitary_amount"));
      var cell = row.querySelector("[data-row-total]");
      if (price === null) { if (cell) cell.textContent = ""; return; }
      var quantity = number(field(row, "quantity"));
      var base = (quantity === null ? 1 : quantity) * price;
      base -= base * (number(field(row, "discount_percent")) || 0) / 100;
      var total = base + base * (number(field(row, "vat_percent")) || 0) / 100 - base * (number(field(row, "retention_percent")) || 0) / 100;
      if (cell) cell.textContent = formatMoney(total);
      if (!(removed && removed.checked)) sum += total;
    });
    var totalCell = table.querySelector("[data-items-total]");
    if (totalCell) totalCell.textContent = formatMoney(sum);
  }

  function renumber(table) {
    var position = 1;
    table.querySelectorAll("[data-item-row]").forEach(function (row) {
      var order = field(row, "ORDER");
      if (order) order.value = position++;
    });
  }

  function setUp(root) {
    periodPicker(root);
    (root || document).querySelectorAll("[data-items]").forEach(recalculate);
    (root || document).querySelectorAll("[data-reload-after]").forEach(function (element) {
      var seconds = parseInt(element.getAttribute("data-reload-after"), 10) || 5;
      setTimeout(function () { window.location.reload(); }, seconds * 1000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target.parentNode || document); });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[name=period]")) periodPicker(target.closest("form"));
    if (target.matches("[data-select-all]")) {
      var table = target.closest("table");
      table.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = target.checked; });
    }
    var items = target.closest("[data-items]");
    if (items) recalculate(items);
  });

  document.addEventListener("input", function (event) {
    var items = event.target.closest && event.target.closest("[data-items]");
    if (items) recalculate(items);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-move]");
    if (!button) return;
    var row = button.closest("[data-item-row]");
    var table = button.closest("[data-items]");
    if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
    } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
    }
    renumber(table);
    button.focus();
  });

  document.addEventListener("quipuProblem", function (event) {
    var region = document.getElementById("toasts");
    if (!region || !event.detail) return;
    var item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "alert");
    item.textContent = event.detail.message || event.detail.value;
    region.appendChild(item);
    setTimeout(function () { item.remove(); }, 10000);
  });
})();
