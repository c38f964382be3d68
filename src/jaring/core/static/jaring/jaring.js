// Jaring's only script of its own. The Content-Security-Policy forbids inline
// script, so behaviour that pages need is wired up here from data- attributes.
(function () {
  "use strict";

  // The CSRF cookie is HttpOnly, so htmx takes the token from the page instead.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // <button data-confirm="Revoke this token?"> asks before its form is sent.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // <div class="chart" data-chart-url="/…/spec.json"> is drawn with vega-embed
  // on pages that include core/_chart_scripts.html. The AST interpreter keeps
  // Vega from compiling expressions with Function(), which the CSP forbids; the
  // default styles of vega-embed and its tooltip are inline <style> elements, also
  // forbidden, so jaring.css carries them instead.
  // A page with several charts can carry their specifications in the page, as
  // <script type="application/json" id="x"> blocks (data, never run, so the CSP
  // allows them) named by data-chart-spec="x": one request instead of one per chart.
  function chartSpec(element) {
    var id = element.getAttribute("data-chart-spec");
    if (!id) {
      return element.getAttribute("data-chart-url");
    }
    return JSON.parse(document.getElementById(id).textContent);
  }

  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var selector = "[data-chart-url], [data-chart-spec]";
    var charts = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      charts.push(root);  // an htmx swap may target the chart element itself
    }
    charts.forEach(function (element) {
      if (element.getAttribute("data-chart-drawn")) {
        return;
      }
      element.setAttribute("data-chart-drawn", "1");
      window.vegaEmbed(element, chartSpec(element), {
        ast: true,
        defaultStyle: false,
        actions: false,
        renderer: "svg",
        tooltip: {disableDefaultStyle: true}
      }).catch(function (error) {
        element.textContent = "The chart could not be drawn: " + error.message;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target);
  });
})();
