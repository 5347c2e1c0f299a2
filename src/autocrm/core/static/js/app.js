/* autocrm pages: charts from JSON islands, search results that close, htmx error swaps. */
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "[4]..", swap: true, error: true},
      {code: "...", swap: false, error: true}
    ];
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (!window.echarts) return;
    var option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
  var results = document.getElementById("search-results");
  if (results) {
    document.addEventListener("click", function (e) {
      if (!e.target.closest(".search")) results.innerHTML = "";
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") results.innerHTML = "";
    });
  }
});
