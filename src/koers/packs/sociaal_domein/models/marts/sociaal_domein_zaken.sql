-- The drill-down list behind the waiting list: every onderzoek and aanvraag with its client
-- pseudonym, dates, deadline and consultant. Vertrouwelijk (rows about one person): every
-- view is audited with the pseudonyms shown (metrics.toml, pseudonym_column).
SELECT
    gemeente_code,
    zaak_id,
    melding_id,
    domein,
    stap,
    CASE
        WHEN closed_date IS NOT NULL THEN 'afgerond'
        WHEN stap = 'beschikking' THEN 'aanvraag'
        WHEN onderzoek_start_date IS NULL THEN 'melding'
        ELSE 'onderzoek'
    END AS fase,
    CASE WHEN closed_date IS NULL THEN 'open' ELSE 'afgerond' END AS status,
    team,
    consulent_code,
    client_pseudoniem,
    start_date,
    onderzoek_start_date,
    closed_date,
    termijn_dagen,
    deadline,
    wettelijke_einddatum,
    opgeschort_vanaf,
    opgeschort_tot,
    verdaagd_tot,
    CASE
        WHEN te_laat THEN 'overschreden'
        WHEN opschorting_loopt THEN 'opgeschort'
        WHEN deadline IS NULL THEN 'geen termijn'
        ELSE 'binnen termijn'
    END AS termijn_status,
    CASE WHEN te_laat THEN date_diff('day', deadline, coalesce(closed_date, peildatum)) END
        AS dagen_over_termijn,
    peildatum
FROM core.sociaal_domein_zaken
