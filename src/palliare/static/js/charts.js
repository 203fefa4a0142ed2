/* Renders the Vega-Lite charts of the monitoring pages. Each chart is an element with
   data-chart="<id of a <script type="application/json"> holding the spec>"; no inline script,
   and Vega's expression interpreter instead of eval, so a strict Content-Security-Policy holds.
   The table beside each chart is its text alternative. */
(function () {
  "use strict";
  function render() {
    if (!window.vegaEmbed || !window.vegaInterpreter) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(el, spec, {
        actions: false,
        defaultStyle: false, // no injected <style>: the Content-Security-Policy forbids it
        renderer: "svg",
        ast: true,
        expr: window.vegaInterpreter.expressionInterpreter,
        tooltip: { disableDefaultStyle: true } // styled in monitoring.css instead
      }).then(function () {
        // The container has role="img" and a label, the table beside it is the text
        // alternative: the drawing itself stays out of the accessibility tree.
        el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
        el.setAttribute("data-rendered", "true");
      })
        .catch(function (err) { el.setAttribute("data-error", String(err)); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
