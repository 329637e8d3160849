// Starts Swagger UI on /api/v1/docs from the settings the page carries as JSON data
// (a file, not an inline script: the site's Content-Security-Policy allows only 'self').
window.addEventListener("DOMContentLoaded", function () {
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(config);
});
