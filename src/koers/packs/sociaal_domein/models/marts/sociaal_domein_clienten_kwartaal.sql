-- Clients with at least one voorziening at the end of every quarter, per gemeente x age
-- group: each client once, in the age group of their most recently started voorziening
-- (the case system records an age band per voorziening). The groups follow the bands of
-- the export, coarsened so that Jeugd and Wmo meet at 18 ("18 tot 23 jaar", young adults
-- in Jeugd, joins "18 tot 65 jaar"). "Running" as in core.sociaal_domein_voorzieningen_actief.
-- The sum over the groups is the number of clients of the gemeente: the denominator-free
-- headline "clients per 1,000 inhabitants" of the council report rests on it.
WITH clients AS (
    SELECT
        kwartaal_einde,
        gemeente_code,
        bsn,
        -- Latest start wins; the toewijzing number breaks ties so the build is repeatable.
        max_by(age_band, strftime(start_date, '%Y-%m-%d') || toewijzing_id) AS age_band
    FROM core.sociaal_domein_voorzieningen_actief
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
