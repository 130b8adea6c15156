// GET /api/v1/docs: Swagger UI (npm swagger-ui-dist, vendored in web/node_modules by
// `npm ci --prefix web`; nothing is fetched at run time) on the service's OpenAPI document.
// "Authorize" takes the API_TOKEN when the service runs with one.
const root = document.getElementById("swagger-ui");
if (typeof window.SwaggerUIBundle !== "function") {
  root.textContent = "Swagger UI is not installed on this server (npm ci --prefix web). " +
    "The document itself is at /api/v1/openapi.json.";
} else {
  window.ui = window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // no badge from a public validator
  });
}
