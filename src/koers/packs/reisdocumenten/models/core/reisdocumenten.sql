-- One row per travel document as the newest delivery reports it (staging keeps the newest
-- version of each documentnummer). The holder is the pseudonym ingestion made of the BSN, so
-- renewals can be followed per holder without a BSN. The validity term is read from the
-- dates (Geldig tot is the application date plus 5 or 10 years, geldigheid.py), and the
-- next/previous document of the same holder and kind is linked here once for every mart.
WITH documents AS (
    SELECT
        s.documentnummer,
        s.gemeente_code,
        s.documentsoort,
        coalesce(
            s.documentsoort_omschrijving,
            CASE s.documentsoort
                WHEN 'PN' THEN 'Nationaal paspoort'
                ELSE 'Nederlandse identiteitskaart'
            END
        ) AS documentsoort_omschrijving,
        s.houder_bsn AS houder_pseudoniem,
        s.leeftijdsklasse,
        s.leeftijdsklasse IN ('0-11', '12-17') AS is_minderjarig,
        s.aanvraagdatum,
        s.spoed,
        s.uitreikdatum,
        s.geldig_tot,
        CAST(
            extract(year FROM s.geldig_tot) - extract(year FROM s.aanvraagdatum) AS INTEGER
        ) AS geldigheid_jaren,
        s.status,
        s._load_id
    FROM staging.reisdocumenten AS s
),
linked AS (
    SELECT
        d.*,
        lag(d.aanvraagdatum) OVER holder_line AS vorige_aanvraagdatum,
        lag(d.geldig_tot) OVER holder_line AS vorige_geldig_tot,
        lead(d.aanvraagdatum) OVER holder_line AS volgende_aanvraagdatum
    FROM documents AS d
    WINDOW holder_line AS (
        PARTITION BY d.gemeente_code, d.houder_pseudoniem, d.documentsoort
        ORDER BY d.aanvraagdatum, d.documentnummer
    )
),
delivered AS (
    -- The day the gemeente's report was drawn up, as far as the data tells: its last
    -- application. Outcomes after this day are unknown, not absent.
    SELECT gemeente_code, max(aanvraagdatum) AS peildatum
    FROM documents
    GROUP BY gemeente_code
)
SELECT
    l.documentnummer,
    l.gemeente_code,
    l.documentsoort,
    l.documentsoort_omschrijving,
    l.houder_pseudoniem,
    l.leeftijdsklasse,
    l.is_minderjarig,
    l.aanvraagdatum,
    l.spoed,
    l.uitreikdatum,
    l.geldig_tot,
    l.geldigheid_jaren,
    CAST(l.geldigheid_jaren AS VARCHAR) || ' jaar' AS geldigheid,
    l.status,
    l.vorige_aanvraagdatum IS NOT NULL AS heeft_voorganger,
    -- Why the document was applied for, judged by the one it follows. More than 365 days
    -- before the old one expired is a replacement (lost, stolen, damaged), not a renewal:
    -- forecast.REPLACEMENT_LEAD_DAYS holds the same number.
    CASE
        WHEN l.vorige_aanvraagdatum IS NULL THEN 'eerste document'
        WHEN date_diff('day', l.aanvraagdatum, l.vorige_geldig_tot) > 365 THEN 'vervanging'
        WHEN l.aanvraagdatum <= l.vorige_geldig_tot THEN 'vernieuwing voor verloop'
        ELSE 'vernieuwing na verloop'
    END AS aanvraagreden,
    l.volgende_aanvraagdatum AS opvolger_aanvraagdatum,
    p.peildatum,
    l._load_id
FROM linked AS l
JOIN delivered AS p ON p.gemeente_code = l.gemeente_code
