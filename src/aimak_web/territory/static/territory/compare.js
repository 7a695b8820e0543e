// The compare page while the ensemble is being sampled: poll the task's status and reload the
// page once the sample is ready (or has failed), so the chart appears without a manual reload.
(function () {
  const box = document.getElementById("ensemble-pending");
  if (!box) return;
  const poll = () => {
    fetch(box.dataset.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((d) => {
        if (d.state === "done" || d.state === "failed") window.location.reload();
        else setTimeout(poll, 1500);
      })
      .catch(() => setTimeout(poll, 5000));
  };
  setTimeout(poll, 1000);
})();
