-- Every voorziening that is running at the end of a quarter, once per quarter end: the one
-- definition of "running" that the quarterly marts (voorzieningen and clients) count from.
-- A voorziening runs when it started on or before the quarter's last day and had not ended
-- before it; a one-off voorziening (unit 'stuk', a woningaanpassing) counts at the end of the
-- quarter it was delivered in, since it has no duration to be running at a moment.
-- Quarters from the start of the case data (core.sociaal_domein_zaken) up to its peildatum,
-- whole quarters only. Rows about persons (bsn is the pseudonym): core, never published.
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
)
SELECT
    q.kwartaal_einde,
    v.gemeente_code,
    v.toewijzing_id,
    v.bsn,
    v.domein,
    v.productcategorie,
    v.age_band,
    v.start_date
FROM quarter_ends AS q
JOIN staging.sociaal_domein_voorzieningen AS v
    ON v.gemeente_code = q.gemeente_code
    AND (
        (v.unit <> 'stuk' AND v.start_date <= q.kwartaal_einde
            AND (v.end_date IS NULL OR v.end_date >= q.kwartaal_einde))
        OR (v.unit = 'stuk' AND v.start_date <= q.kwartaal_einde
            AND v.start_date > q.kwartaal_einde - INTERVAL 3 MONTH)
    )
