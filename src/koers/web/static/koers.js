// Draws every chart on the page from the Vega-Lite spec beside it (no inline scripts).
// The page's Content-Security-Policy forbids eval and inline styles, so Vega runs its
// expression interpreter (ast) instead of generating code with new Function, and vega-embed
// and its tooltip inject no <style> element: their styles are in koers.css.
document.addEventListener("DOMContentLoaded", function () {
  var options = JSON.parse(document.getElementById("embed-options").textContent);
  options.ast = true;
  options.defaultStyle = false;
  options.tooltip = { disableDefaultStyle: true };
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
