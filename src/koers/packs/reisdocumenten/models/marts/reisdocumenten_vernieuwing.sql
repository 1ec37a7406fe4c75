-- The renewal link: one row per document with what became of it by the peildatum. No
-- document number and no holder, so the rows count documents, not people; the forecast
-- (forecast.py) learns renewal behaviour from them and knows which documents still wait.
-- dagen_voor_verloop: days from the successor's application to this document's Geldig tot
-- (positive: renewed before expiry). A successor more than 365 days early is a replacement
-- (forecast.REPLACEMENT_LEAD_DAYS).
WITH outcome AS (
    SELECT
        d.*,
        date_diff('day', d.opvolger_aanvraagdatum, d.geldig_tot) AS dagen_voor_verloop
    FROM core.reisdocumenten AS d
),
classified AS (
    SELECT
        o.*,
        CASE
            WHEN o.dagen_voor_verloop > 365 THEN 'vervangen'
            WHEN o.dagen_voor_verloop >= 0 THEN 'vernieuwd voor verloop'
            WHEN o.dagen_voor_verloop < 0 THEN 'vernieuwd na verloop'
            WHEN o.geldig_tot > o.peildatum THEN 'nog geldig'
            ELSE 'niet vernieuwd'
        END AS uitkomst
    FROM outcome AS o
)
SELECT
    gemeente_code,
    documentsoort,
    documentsoort_omschrijving,
    leeftijdsklasse,
    geldigheid,
    geldigheid_jaren,
    aanvraagdatum,
    geldig_tot,
    heeft_voorganger,
    opvolger_aanvraagdatum,
    dagen_voor_verloop,
    uitkomst,
    peildatum,
    CASE WHEN geldig_tot <= peildatum AND uitkomst <> 'vervangen' THEN 1 ELSE 0 END
        AS verlopen_count,
    CASE WHEN uitkomst = 'vernieuwd voor verloop' THEN 1 ELSE 0 END AS vernieuwd_voor_count,
    CASE WHEN uitkomst = 'vernieuwd na verloop' THEN 1 ELSE 0 END AS vernieuwd_na_count,
    CASE WHEN uitkomst = 'vervangen' THEN 1 ELSE 0 END AS vervangen_count
FROM classified
