/* The dashboard's charts (Chart.js, served from static/vendor) and the refresh indicator.
   The data comes from a JSON block in the page; every chart has a table with its numbers. */
(function () {
  "use strict";

  var dataBlock = document.getElementById("dashboard-charts");
  if (dataBlock && window.Chart) {
    var data = JSON.parse(dataBlock.textContent);
    var numbers = new Intl.NumberFormat(data.locale);
    var colours = { visits: "#b45309", households: "#0f766e", citizens: "#1d4ed8" };
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.animation = false;  // weak phones and printing: draw once

    var tick = function (value) { return numbers.format(value); };
    var tooltip = {
      callbacks: {
        label: function (item) {
          return item.dataset.label + ": " + numbers.format(item.parsed.y !== undefined && item.chart.options.indexAxis !== "y" ? item.parsed.y : item.parsed.x);
        }
      }
    };

    var trend = function (id, series) {
      var canvas = document.getElementById(id);
      if (!canvas) { return; }
      new Chart(canvas, {
        data: {
          labels: series.labels,
          datasets: [
            { type: "bar", label: data.names.visits, data: series.visits, backgroundColor: colours.visits, order: 2 },
            { type: "line", label: data.names.households, data: series.households, borderColor: colours.households, backgroundColor: colours.households, order: 1 },
            { type: "line", label: data.names.citizens, data: series.citizens, borderColor: colours.citizens, backgroundColor: colours.citizens, order: 0 }
          ]
        },
        options: {
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, ticks: { callback: tick, precision: 0 } } },
          plugins: { tooltip: tooltip, legend: { position: "bottom" } }
        }
      });
    };
    trend("chart-weeks", data.weeks);
    trend("chart-months", data.months);

    var apps = document.getElementById("chart-apps");
    if (apps && data.apps.labels.length) {
      new Chart(apps, {
        type: "bar",
        data: {
          labels: data.apps.labels,
          datasets: [{ label: data.names.citizens, data: data.apps.values, backgroundColor: colours.citizens }]
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: { x: { beginAtZero: true, ticks: { callback: tick, precision: 0 } } },
          plugins: { tooltip: tooltip, legend: { display: false } }
        }
      });
    }
  }

  // While the figures are being recomputed, ask every few seconds and reload when done.
  var status = document.getElementById("figures-status");
  if (status && status.dataset.refreshing === "1" && window.fetch) {
    var poll = function () {
      fetch(status.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.refreshing) { window.setTimeout(poll, 3000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    };
    window.setTimeout(poll, 2000);
  }
})();
