-- Applications per day x gemeente x kind x age class x reason (first document, renewal before
-- or after expiry, replacement). Sparse: a day without applications has no row, which a
-- flow metric reads as zero.
SELECT
    aanvraagdatum,
    gemeente_code,
    documentsoort,
    max(documentsoort_omschrijving) AS documentsoort_omschrijving,
    leeftijdsklasse,
    geldigheid,
    aanvraagreden,
    count(*) AS aanvragen_count,
    sum(CASE WHEN spoed THEN 1 ELSE 0 END) AS spoed_count
FROM core.reisdocumenten
GROUP BY aanvraagdatum, gemeente_code, documentsoort, leeftijdsklasse, geldigheid, aanvraagreden
