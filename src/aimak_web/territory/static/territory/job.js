// A background task's page: poll its JSON status until it is done or failed, then show the
// result link or the (translated) reason; no reload.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const state = document.getElementById("job-state");
  const stage = document.getElementById("job-stage");
  const bar = document.getElementById("job-progress");
  const result = document.getElementById("job-result");
  const error = document.getElementById("job-error");
  const para = (text, cls) => {
    const p = document.createElement("p");
    p.textContent = text;
    if (cls) p.className = cls;
    return p;
  };
  const show = (d) => {
    box.dataset.state = d.state;
    state.textContent = d.state_label;
    stage.textContent = d.stage || "";
    bar.value = d.progress;
    if (d.result_url && !result.querySelector("a")) {
      const a = document.createElement("a");
      a.href = d.result_url;
      a.textContent = d.result_label;
      a.dataset.testid = "job-result-link";
      result.replaceChildren(a);
    }
    if (d.error) error.replaceChildren(para(d.error), para(d.detail || "", "note"));
  };
  const poll = () => {
    if (box.dataset.state === "done" || box.dataset.state === "failed") return;
    fetch(box.dataset.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((d) => { show(d); setTimeout(poll, 1000); })
      .catch(() => setTimeout(poll, 3000));
  };
  poll();
})();
