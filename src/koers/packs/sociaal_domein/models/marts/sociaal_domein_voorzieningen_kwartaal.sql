-- Voorzieningen and their clients at the end of every quarter, per gemeente x domein x
-- product category: the stock a council report shows. A voorziening counts when it started
-- on or before the quarter's last day and had not ended before it; a one-off voorziening
-- (unit 'stuk', a woningaanpassing) counts at the end of the quarter it was delivered in,
-- since it has no duration to be "active" at a moment. A client with two voorzieningen in
-- one category counts once there, and once in each other category: the sum over categories
-- is client-category pairs, not clients (the clients per age band mart counts each once).
-- Quarters from the start of the case data (core.sociaal_domein_zaken) up to its peildatum,
-- only whole quarters; counts of people, published only through disclosure control.
WITH bounds AS (
    SELECT gemeente_code, min(start_date) AS first_date, max(peildatum) AS peildatum
    FROM core.sociaal_domein_zaken
    GROUP BY gemeente_code
),
quarter_ends AS (
    SELECT b.gemeente_code, c.calendar_date AS kwartaal_einde
    FROM bounds AS b
    JOIN core.calendar AS c
        ON c.calendar_date BETWEEN b.first_date AND b.peildatum
        AND c.month IN (3, 6, 9, 12)
        AND c.calendar_date = last_day(c.calendar_date)
),
active AS (
    SELECT q.kwartaal_einde, v.gemeente_code, v.domein, v.productcategorie, v.bsn
    FROM quarter_ends AS q
    JOIN staging.sociaal_domein_voorzieningen AS v
        ON v.gemeente_code = q.gemeente_code
        AND (
            (v.unit <> 'stuk' AND v.start_date <= q.kwartaal_einde
                AND (v.end_date IS NULL OR v.end_date >= q.kwartaal_einde))
            OR (v.unit = 'stuk' AND v.start_date <= q.kwartaal_einde
                AND v.start_date > q.kwartaal_einde - INTERVAL 3 MONTH)
        )
)
SELECT
    kwartaal_einde,
    gemeente_code,
    domein,
    productcategorie,
    count(DISTINCT bsn) AS clienten_count,
    count(*) AS voorzieningen_count
FROM active
GROUP BY kwartaal_einde, gemeente_code, domein, productcategorie
