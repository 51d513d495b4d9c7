// 数据看板: draws each chart of the page's data (json_script "dashboard-data") with ECharts; a click on any bar,
// segment or point opens the list of the orders behind it (its href, computed on the server).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var charts = [];

  function option(spec) {
    var many = spec.categories.length > 6;
    return {
      animation: false,
      color: ["#1f6feb", "#f0883e", "#2da44e", "#a371f7", "#cf222e", "#8c959f"],
      tooltip: {
        trigger: "axis",
        renderMode: "richText",  // drawn in the chart itself: HTML tooltips carry inline styles the CSP refuses
        confine: true,
        valueFormatter: function (value) { return value === "-" || value == null ? "—" : value + " " + spec.unit; },
      },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { hideOverlap: true, rotate: many ? 30 : 0 } },
      yAxis: { type: "value", name: spec.unit, minInterval: spec.counts ? 1 : 0 },
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: s.kind,
          stack: s.stack || undefined,
          cursor: "pointer",
          symbolSize: 8,
          connectNulls: false,
          emphasis: { focus: "series" },
          data: s.points.map(function (p) {
            return { value: p.value == null ? "-" : p.value, href: p.href, orders: p.orders };
          }),
        };
      }),
    };
  }

  JSON.parse(source.textContent).forEach(function (spec) {
    var box = document.querySelector('[data-chart="' + spec.key + '"]');
    if (!box) return;
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      if (params.data && params.data.href) window.location.assign(params.data.href);
    });
    box.setAttribute("data-drawn", "true");
    charts.push(chart);
  });

  function resize() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
})();
