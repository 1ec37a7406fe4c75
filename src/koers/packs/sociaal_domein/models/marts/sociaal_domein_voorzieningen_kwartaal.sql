-- Voorzieningen and their clients at the end of every quarter, per gemeente x domein x
-- product category: the stock a council report shows ("running" is defined once, in
-- core.sociaal_domein_voorzieningen_actief). A client with two voorzieningen in one category
-- counts once there, and once in each other category: the sum over categories is
-- client-category pairs, not clients (the clients per age group mart counts each once).
-- Counts of people, published only through disclosure control.
SELECT
    kwartaal_einde,
    gemeente_code,
    domein,
    productcategorie,
    count(DISTINCT bsn) AS clienten_count,
    count(*) AS voorzieningen_count
FROM core.sociaal_domein_voorzieningen_actief
GROUP BY kwartaal_einde, gemeente_code, domein, productcategorie
