// The dashboard's chart (ECharts, vendored): flagged listings per month. The data is read from a
// data- attribute (text, parsed as JSON): nothing is evaluated.
"use strict";
(function () {
  var box = document.getElementById("chart-time");
  if (!box || typeof echarts === "undefined") { return; }
  var data = JSON.parse(box.getAttribute("data-series") || "{}");
  var chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.months || [] },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", name: "Flagged", data: data.flagged || [], itemStyle: { color: "#1f6f5c" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.setAttribute("data-charts", "ready");
})();
