// Draws every chart on the page from the Vega-Lite spec beside it (no inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var options = JSON.parse(document.getElementById("embed-options").textContent);
  document.querySelectorAll("[data-spec-id]").forEach(function (element) {
    var spec = JSON.parse(document.getElementById(element.dataset.specId).textContent);
    window.vegaEmbed(element, spec, options).then(function () {
      element.dataset.drawn = "true";
    }).catch(function (error) {
      element.textContent = "De grafiek kon niet worden getekend; de tabel eronder bevat dezelfde cijfers.";
      console.error(error);
    });
  });
});
