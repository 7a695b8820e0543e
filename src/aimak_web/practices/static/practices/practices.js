// Practices portal: the print button of the printable page (no inline scripts: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", () => window.print());
});

// The submission form: only the chosen theme's sub-themes are offered.
document.addEventListener("DOMContentLoaded", () => {
  const theme = document.getElementById("id_theme");
  const sub = document.getElementById("id_subtheme");
  if (!theme || !sub) return;
  const filter = () => {
    for (const option of sub.options) {
      const own = !option.dataset.theme || option.dataset.theme === theme.value || !theme.value;
      option.hidden = !own;
      option.disabled = !own;
      if (!own && option.selected) sub.value = "";
    }
  };
  theme.addEventListener("change", filter);
  filter();
});
