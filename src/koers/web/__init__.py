"""The web app: Dutch dashboards, the public pages and the JSON API, all through the query layer."""
