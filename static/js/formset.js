// "Thêm dòng" for the row formsets (templates/forms/formset_rows.html). Without
// JavaScript the page offers a few blank rows; with it, one blank row is kept and the
// button adds another from the formset's empty form, numbered by TOTAL_FORMS.
"use strict";

function isBlank(row) {
  return Array.from(row.querySelectorAll("input:not([type=hidden]), textarea, select"))
    .every((input) => (input.type === "checkbox" ? !input.checked : input.value.trim() === ""));
}

function setUp(button) {
  const prefix = button.dataset.formsetAdd;
  const rows = document.querySelector(`[data-formset-rows="${prefix}"]`);
  const empty = document.querySelector(`template[data-formset-empty="${prefix}"]`);
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  if (!rows || !empty || !total) return;
  // Keep one blank new row: drop the trailing blank ones after it (the last rows only,
  // so the numbering of the others stays as the server wrote it).
  let blanks = rows.querySelectorAll("[data-formset-new]");
  for (let i = blanks.length - 1; i > 0; i -= 1) {
    const row = blanks[i];
    if (row !== rows.lastElementChild || !isBlank(row) || !isBlank(blanks[i - 1])) break;
    row.remove();
    total.value = String(Number(total.value) - 1);
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    rows.insertAdjacentHTML("beforeend", empty.innerHTML.replaceAll("__prefix__", String(index)));
    total.value = String(index + 1);
    const first = rows.lastElementChild.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  });
}

document.querySelectorAll("[data-formset-add]").forEach(setUp);
