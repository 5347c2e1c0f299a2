/* autocrm pages: charts from JSON islands, search results that close and take the arrow keys,
   htmx error swaps, the in-page reveal dialog. */
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
    var input = document.querySelector(".search input[name=q]");
    var options = function () { return Array.prototype.slice.call(results.querySelectorAll("a.hit")); };
    var select = function (list, i) {
      list.forEach(function (a, j) { a.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (list[i]) list[i].focus();
    };
    document.addEventListener("click", function (e) {
      if (!e.target.closest(".search")) results.innerHTML = "";
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { results.innerHTML = ""; if (input) input.focus(); return; }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      if (!e.target.closest(".search")) return;
      var list = options();
      if (!list.length) return;
      e.preventDefault();
      var at = list.indexOf(document.activeElement);
      if (e.key === "ArrowDown") select(list, at < 0 ? 0 : Math.min(at + 1, list.length - 1));
      else if (at <= 0) { select(list, -1); if (input) input.focus(); }
      else select(list, at - 1);
    });
  }
});
