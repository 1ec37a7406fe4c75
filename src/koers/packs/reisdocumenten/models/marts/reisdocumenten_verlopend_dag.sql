-- Documents expiring per day (Geldig tot) x gemeente x kind x age class x validity term, also
-- in the future: the ten-year documents applied for from 9 March 2014 on expire from March
-- 2024, on top of the five-year ones, which is the wave of 2024-2028 (split by geldigheid).
-- "Nog zonder opvolger" counts those for which the holder had not applied for a new
-- document of the same kind by the peildatum.
SELECT
    geldig_tot,
    gemeente_code,
    documentsoort,
    max(documentsoort_omschrijving) AS documentsoort_omschrijving,
    leeftijdsklasse,
    geldigheid,
    count(*) AS verlopend_count,
    sum(CASE WHEN opvolger_aanvraagdatum IS NULL THEN 1 ELSE 0 END) AS zonder_opvolger_count
FROM core.reisdocumenten
GROUP BY geldig_tot, gemeente_code, documentsoort, leeftijdsklasse, geldigheid
