-- Lasten of the social domain's care taakvelden per quarter x gemeente: the budget (a
-- quarter of the primitieve begroting) and the realisation booked, from the financial
-- system's export. Iv3 renumbered the social domain in 2025 (6.71a became 6.711, jeugdhulp
-- 6.72-6.74 became 6.751-6.763, pgb got 6.791/6.792), so the taakvelden are grouped into
-- groups that exist in both codings, to compare a quarter with the same quarter a year
-- earlier: pgb is booked under its domain, as it was before 2025. Taakvelden outside these
-- groups (toegang, inkomen, participatie) are left out: the council report is about care.
-- Dated on the quarter's last day, so a quarter is there only once it is booked.
WITH grouped AS (
    SELECT
        gemeente_code,
        last_day(make_date(CAST(boekjaar AS INTEGER), CAST(kwartaal AS INTEGER) * 3, 1))
            AS kwartaal_einde,
        CASE
            WHEN taakveld IN ('6.6', '6.60') THEN '6.6 Maatwerkvoorzieningen Wmo'
            WHEN taakveld LIKE '6.71%' OR taakveld = '6.791'
                THEN '6.71 Maatwerkdienstverlening 18+'
            WHEN regexp_matches(taakveld, '^6\.7[2-6]') OR taakveld = '6.792'
                THEN '6.72-6.76 Jeugdhulp'
            WHEN taakveld LIKE '6.81%' THEN '6.81 Geëscaleerde zorg 18+'
            WHEN taakveld LIKE '6.82%' THEN '6.82 Geëscaleerde zorg 18-'
        END AS taakveldgroep,
        begroting_eur,
        realisatie_eur
    FROM staging.financien_begroting_realisatie
    WHERE lasten_baten = 'Lasten'
)
SELECT
    kwartaal_einde,
    gemeente_code,
    taakveldgroep,
    sum(begroting_eur) AS begroting_eur,
    sum(realisatie_eur) AS realisatie_eur
FROM grouped
WHERE taakveldgroep IS NOT NULL
GROUP BY kwartaal_einde, gemeente_code, taakveldgroep
