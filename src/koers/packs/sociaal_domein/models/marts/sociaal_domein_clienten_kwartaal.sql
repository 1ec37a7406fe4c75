-- Clients with at least one voorziening at the end of every quarter, per gemeente x age
-- group: each client once, in the age group of their most recently started voorziening
-- (the case system records an age band per voorziening). The groups follow the bands of
-- the export, coarsened so that Jeugd and Wmo meet at 18 ("18 tot 23 jaar", young adults
-- in Jeugd, joins "18 tot 65 jaar"). "Active" as in sociaal_domein_voorzieningen_kwartaal.
-- The sum over the groups is the number of clients of the gemeente: the denominator-free
-- headline "clients per 1,000 inhabitants" of the council report rests on it.
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
    SELECT q.kwartaal_einde, v.gemeente_code, v.bsn, v.age_band, v.start_date, v.toewijzing_id
    FROM quarter_ends AS q
    JOIN staging.sociaal_domein_voorzieningen AS v
        ON v.gemeente_code = q.gemeente_code
        AND (
            (v.unit <> 'stuk' AND v.start_date <= q.kwartaal_einde
                AND (v.end_date IS NULL OR v.end_date >= q.kwartaal_einde))
            OR (v.unit = 'stuk' AND v.start_date <= q.kwartaal_einde
                AND v.start_date > q.kwartaal_einde - INTERVAL 3 MONTH)
        )
),
clients AS (
    SELECT
        kwartaal_einde,
        gemeente_code,
        bsn,
        -- Latest start wins; the toewijzing number breaks ties so the build is repeatable.
        max_by(age_band, strftime(start_date, '%Y-%m-%d') || toewijzing_id) AS age_band
    FROM active
    GROUP BY kwartaal_einde, gemeente_code, bsn
)
SELECT
    kwartaal_einde,
    gemeente_code,
    CASE
        WHEN age_band IN ('0 tot 4 jaar', '4 tot 12 jaar', '12 tot 18 jaar') THEN '0 tot 18 jaar'
        WHEN age_band IN ('18 tot 23 jaar', '18 tot 65 jaar') THEN '18 tot 65 jaar'
        ELSE age_band
    END AS leeftijdsgroep,
    count(*) AS clienten_count
FROM clients
GROUP BY ALL
