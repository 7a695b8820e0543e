// Small behaviours of every page; no inline scripts (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("lang-select");
  if (select) select.addEventListener("change", () => select.form.submit());
});
