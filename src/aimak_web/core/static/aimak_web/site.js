// Small behaviours of every page; no inline scripts (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {});
